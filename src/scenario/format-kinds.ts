// The scalar kinds the scenario format's schema is written with (format.ts, format-traffic.ts).
import type { Schema } from './schema.js';

export const str = (desc?: string): Schema => ({ kind: 'string', desc });
export const int = (min?: number, max?: number): Schema => ({ kind: 'integer', min, max });
export const stringMap: Schema = { kind: 'object', props: {}, additional: { kind: 'string' } };
export const duration: Schema = { kind: 'duration' };
