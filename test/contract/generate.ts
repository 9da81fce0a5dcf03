// Writes sandbox/contract/fabric-operations.json from the OpenAPI fixtures: `npm run contract:generate`.
import { writeFileSync } from 'node:fs';
import { OUTPUT_FILE, extractContract, serializeContract } from './openapi-extract.js';

const contract = extractContract();
writeFileSync(OUTPUT_FILE, serializeContract(contract));
console.log(`${OUTPUT_FILE}: ${Object.keys(contract.operations).length} operations, ${Object.keys(contract.definitions).length} definitions`);
