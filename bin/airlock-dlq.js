#!/usr/bin/env node
// airlock-dlq, as installed from the package: the built JavaScript (dist/), after the Node check.
import { checkNode, quietKafkajsWarning } from './check-node.js';

checkNode('airlock-dlq');
quietKafkajsWarning();
await import('../dist/dlq-replayer/main.js');
