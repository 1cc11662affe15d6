/**
 * The layering README.md describes (section "Development", the "Layout:" paragraph), checked on every `npm test` by
 * dependency-cruiser (https://github.com/sverweij/dependency-cruiser): a broken rule fails the build, naming the
 * import. Run it alone with `npm run lint:layers`.
 *
 * Each rule quotes the README sentence it enforces. Type-only imports count too: a type is a dependency of meaning,
 * and the rule is about what a layer knows.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'odata-knows-nothing-else',
      comment:
        'README "Layout": src/odata (parse, validate, evaluate, metadata, serialize) "knows nothing of Bitbucket"; it ' +
        'is the OData layer alone, so it imports nothing of src/bitbucket, src/plan, src/http or any other src/ folder.',
      severity: 'error',
      from: { path: '^src/odata/' },
      to: { path: '^src/', pathNot: '^src/odata/' },
    },
    {
      name: 'bitbucket-knows-nothing-of-odata',
      comment:
        'README "Layout": src/bitbucket (the client) "knows nothing of OData"; it imports nothing of src/odata, nor of ' +
        'the layers above it (src/plan, src/http), nor any other src/ folder.',
      severity: 'error',
      from: { path: '^src/bitbucket/' },
      to: { path: '^src/', pathNot: '^src/bitbucket/' },
    },
    {
      name: 'paging-and-plan-are-not-http-glue',
      comment:
        'README "Layout": src/http is "express glue" in front of the pipeline (http → odata → paging → plan → ' +
        'bitbucket); src/paging and src/plan sit below it and are tested without express (issue #13: paging is one ' +
        'component unit-tested with a fake executor), so they import nothing of src/http. What they share with it lives ' +
        'outside it (src/memory, src/unauthorized.ts).',
      severity: 'error',
      from: { path: '^src/(paging|plan)/' },
      to: { path: '^src/http/' },
    },
    {
      name: 'sandbox-never-imports-src',
      comment: 'README "Layout": "sandbox/ is the local Bitbucket Cloud and never imports src/".',
      severity: 'error',
      from: { path: '^sandbox/' },
      to: { path: '^src/' },
    },
    {
      name: 'entity-sets-import-only-odata',
      comment:
        'README "Layout": "src/entity-sets holds one declarative file per entity set": declarations are data in OData ' +
        "terms, read by the planner, $metadata and the connector; they import nothing but src/odata's types (issue #13: " +
        'no connector type in the model).',
      severity: 'error',
      from: { path: '^src/entity-sets/' },
      to: { path: '^src/', pathNot: '^src/(entity-sets|odata)/' },
    },
    {
      name: 'no-import-cycles',
      comment:
        'README "Layout" reads as a pipeline (http → odata → plan → bitbucket): a cycle would make two layers one. ' +
        'Type-only cycles count as well.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // CommonJS like tsconfig.json: the TypeScript sources are resolved through it, the packages as node would.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
