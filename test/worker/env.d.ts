// Types of `cloudflare:workers` exports and env inside every workerd test project (test/worker*:
// one declaration for all, as tsconfig includes the whole test tree).
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import("../../src/worker/index.ts");
    durableNamespaces: "NamespaceObject";
  }
  interface Env {
    NAMESPACE: DurableObjectNamespace<
      import("../../src/worker/namespace-object.ts").NamespaceObject
    >;
  }
}
