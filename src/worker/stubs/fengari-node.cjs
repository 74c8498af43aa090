// Stand-in for the Node-only modules fengari (the Lua VM of EVAL) requires when it loads, on
// code paths Redis scripts never reach (its io/os libraries, its debug console, loadfile):
// wrangler.toml's [alias] and the local bundle (src/node/local-worker.ts) map them here.
module.exports = {
  setDefaultOptions() {},
  prompt() {
    return "";
  },
  platform() {
    return "linux";
  },
};
