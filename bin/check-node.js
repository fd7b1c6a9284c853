// The bins' first step, in JavaScript any Node parses: a Node too old for Airlock is told so in one
// line, before a module it cannot load is reached (package.json "engines").
const NEEDED = [22, 18];

export function checkNode(tool) {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major > NEEDED[0] || (major === NEEDED[0] && minor >= NEEDED[1])) return;
  process.stderr.write(
    `${tool} needs Node.js ${NEEDED.join('.')} or later; this is Node.js ${process.versions.node}\n`,
  );
  process.exit(1);
}

// kafkajs 2.2.4 schedules a check with a negative delay, which Node runs after 1 ms as kafkajs
// intends; its TimeoutNegativeWarning is noise on an operator's terminal, not a fault.
export function quietKafkajsWarning() {
  const listeners = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (w.name !== 'TimeoutNegativeWarning') for (const l of listeners) l(w);
  });
}
