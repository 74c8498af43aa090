// Types of `cloudflare:workers` exports and env inside the workerd test project.
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
