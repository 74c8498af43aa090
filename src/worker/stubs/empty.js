// Stand-in for Node-only packages fengari requires on paths Redis scripts never reach
// (wrangler.toml [alias]): loading it gives an empty module.
export default {};
