import { setupSched } from '/work/main/dist/bench/sched-cluster.js';
const profile = process.argv[2] ?? 'default', wl = process.argv[3] ?? 'bare', reps=+(process.argv[4]??4);
const segs=[];
function run(nodes, pods, seed, rec){
  const s = setupSched(profile, wl, nodes, pods, 50, seed);
  let tt=process.cpuUsage();
  for (let i=0;i<s.pods.length;i++) { const pod=s.pods[i]; const a = s.scheduler.schedule(pod); if (a.node) s.cluster.bindPod(pod, a.node);
    if ((i+1)%5000===0){ const u=process.cpuUsage(tt); if(rec && process.env.SEG) process.stdout.write(Math.round(5000/((u.user+u.system)/1e6))+" "); if(rec) segs.push(5000/((u.user+u.system)/1e6)); tt=process.cpuUsage(); } }
}
run(5000, 20000, 'w', false);
for (let i=0;i<reps;i++) run(5000, 50000, 's'+i, true);
segs.sort((a,b)=>a-b); const q=(p)=>Math.round(segs[Math.floor(p*(segs.length-1))]);
console.log(profile, wl, 'p25', q(0.25), 'median', q(0.5), 'p75', q(0.75), 'max', q(1));
