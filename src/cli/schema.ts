import { SCENARIO_SCHEMA } from '../scenario/format.js';
import { toJsonSchema } from '../scenario/schema.js';

export function schemaCommand(): void {
  const schema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://kubesim.dev/schema/scenario.json',
    title: 'kubesim scenario',
    ...toJsonSchema(SCENARIO_SCHEMA),
  };
  process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
}
