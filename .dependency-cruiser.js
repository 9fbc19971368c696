// Import rules from STYLE.md §12 ("imports point down"), checked by `npm run deps:check` in CI.
// Violations that existed when the rules arrived are listed in .dependency-cruiser-known-violations.json
// (made with `npx depcruise-baseline src bot scripts miniprogram/app`); only new ones fail. Shrink that list,
// never grow it: re-run the baseline command after a fix removes a violation.

// A type-only import is erased by the compiler: it registers no model and opens no connection.
const typeOnly = ['type-only', 'type-import'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import circle: the modules can no longer be understood, loaded or tested one at a time.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'bot-only-from-main',
      comment: 'The bot is an entry point that calls services; only src/main.ts starts it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/main[.]ts$' },
      to: { path: '^bot/' },
    },
    {
      name: 'api-shell-only-from-main',
      comment:
        'src/api/ is the HTTP shell: features and the bot call services, never the shell. Only main.ts mounts it.',
      severity: 'error',
      from: { path: '^(src|bot)/', pathNot: ['^src/main[.]ts$', '^src/api/'] },
      to: { path: '^src/api/' },
    },
    {
      name: 'shared-imports-no-feature',
      comment: 'src/shared/ is the ground floor: it imports no feature, no shell and no composition root.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^(src|bot)/', pathNot: '^src/shared/' },
    },
    {
      name: 'rules-import-no-io',
      comment:
        'A *-rules.ts file is pure: no database, file, network or process access, and no model or service. ' +
        'node:crypto is allowed for hashes and signatures; drawing random numbers there is refused by ESLint.',
      severity: 'error',
      from: { path: '-rules[.]ts$' },
      to: {
        path: [
          '(^|/)node_modules/(mongoose|mongodb)/',
          '^(fs|fs/promises|net|http|https|http2|tls|dgram|dns|child_process|cluster|worker_threads)$',
          '-model[.]ts$',
          '-service[.]ts$',
        ],
        dependencyTypesNot: typeOnly,
      },
    },
    {
      name: 'no-other-feature-model',
      comment: "A feature uses another feature's service or a port, never its model (importing a model registers it).",
      severity: 'error',
      from: { path: '^(src/[^/]+|bot)/' },
      to: { path: '-model[.]ts$', pathNot: '^$1/', dependencyTypesNot: typeOnly },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to no file on disk.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '[.]d[.]ts$' },
    // Type-only imports count as dependencies: they shape the module graph even though tsc erases them.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['main', 'types', 'typings'],
    },
    reporterOptions: {
      dot: { collapsePattern: 'node_modules/(?:@[^/]+/[^/]+|[^/]+)' },
    },
  },
};
