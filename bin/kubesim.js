#!/usr/bin/env node
// Entry point: the compiled CLI lives in dist/ (run `npm run build` first; `npm start` and `npm test` do it).
import { main } from '../dist/src/cli/main.js';
main(process.argv.slice(2));
