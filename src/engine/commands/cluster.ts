// CLUSTER, READONLY, READWRITE and ASKING as a Redis 7.0 with cluster support disabled answers
// them: blink-edge is one standalone server to its clients (a sharded namespace shards inside,
// docs/scaling.md), and clients and tools tell a standalone server by this error.

import { asciiLower } from "../ascii.ts";
import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { Errors } from "../errors.ts";
import type { Reply } from "../reply.ts";

const DISABLED = "ERR This instance has cluster support disabled";

/** Arity of each CLUSTER subcommand (Redis 7.0.15's COMMAND INFO). */
const CLUSTER_ARITY: Record<string, number> = {
  addslots: -3,
  addslotsrange: -4,
  bumpepoch: 2,
  "count-failure-reports": 3,
  countkeysinslot: 3,
  delslots: -3,
  delslotsrange: -4,
  failover: -2,
  flushslots: 2,
  forget: 3,
  getkeysinslot: 4,
  help: 2,
  info: 2,
  keyslot: 3,
  links: 2,
  meet: -4,
  myid: 2,
  nodes: 2,
  replicas: 3,
  replicate: 3,
  reset: -2,
  saveconfig: 2,
  "set-config-epoch": 3,
  setslot: -4,
  shards: 2,
  slaves: 3,
  slots: 2,
};

function cluster(_ctx: Ctx, argv: readonly string[]): Reply {
  const sub = asciiLower(argv[1]!);
  const arity = CLUSTER_ARITY[sub];
  if (arity === undefined) throw Errors.unknownSubcommand(argv[1]!, "cluster");
  if ((arity > 0 && argv.length !== arity) || argv.length < -arity)
    throw Errors.arity(`cluster|${sub}`);
  throw Errors.custom(DISABLED);
}

const disabled = (): Reply => {
  throw Errors.custom(DISABLED);
};

const LOCAL = { kind: "local" } as const;

export const clusterCommands: readonly CommandSpec[] = [
  command("cluster", -2, "", null, cluster, {
    route: LOCAL,
    doc: {
      summary: "A container for cluster commands",
      group: "cluster",
      since: "3.0.0",
      subcommands: {
        ADDSLOTS: { summary: "Assign new hash slots to receiving node", params: "slot [slot ...]" },
        ADDSLOTSRANGE: {
          summary: "Assign new hash slots to receiving node",
          params: "start-slot end-slot [start-slot end-slot ...]",
          since: "7.0.0",
        },
        BUMPEPOCH: { summary: "Advance the cluster config epoch" },
        "COUNT-FAILURE-REPORTS": {
          summary: "Return the number of failure reports active for a given node",
          params: "node-id",
        },
        COUNTKEYSINSLOT: {
          summary: "Return the number of local keys in the specified hash slot",
          params: "slot",
        },
        DELSLOTS: {
          summary: "Set hash slots as unbound in receiving node",
          params: "slot [slot ...]",
        },
        DELSLOTSRANGE: {
          summary: "Set hash slots as unbound in receiving node",
          params: "start-slot end-slot [start-slot end-slot ...]",
          since: "7.0.0",
        },
        FAILOVER: {
          summary: "Forces a replica to perform a manual failover of its master.",
          params: "[FORCE|TAKEOVER]",
        },
        FLUSHSLOTS: { summary: "Delete a node's own slots information" },
        FORGET: { summary: "Remove a node from the nodes table", params: "node-id" },
        GETKEYSINSLOT: {
          summary: "Return local key names in the specified hash slot",
          params: "slot count",
        },
        HELP: { summary: "Show helpful text about the different subcommands", since: "5.0.0" },
        INFO: { summary: "Provides info about Redis Cluster node state" },
        KEYSLOT: { summary: "Returns the hash slot of the specified key", params: "key" },
        LINKS: {
          summary: "Returns a list of all TCP links to and from peer nodes in cluster",
          since: "7.0.0",
        },
        MEET: {
          summary: "Force a node cluster to handshake with another node",
          params: "ip port [cluster_bus_port]",
        },
        MYID: { summary: "Return the node id" },
        NODES: { summary: "Get Cluster config for the node" },
        REPLICAS: {
          summary: "List replica nodes of the specified master node",
          params: "node-id",
          since: "5.0.0",
        },
        REPLICATE: {
          summary: "Reconfigure a node as a replica of the specified master node",
          params: "node-id",
        },
        RESET: { summary: "Reset a Redis Cluster node", params: "[HARD|SOFT]" },
        SAVECONFIG: { summary: "Forces the node to save cluster state on disk" },
        "SET-CONFIG-EPOCH": {
          summary: "Set the configuration epoch in a new node",
          params: "config-epoch",
        },
        SETSLOT: {
          summary: "Bind a hash slot to a specific node",
          params: "slot IMPORTING node-id|MIGRATING node-id|NODE node-id|STABLE",
        },
        SHARDS: { summary: "Get array of cluster slots to node mappings", since: "7.0.0" },
        SLAVES: { summary: "List replica nodes of the specified master node", params: "node-id" },
        SLOTS: { summary: "Get array of Cluster slot to node mappings" },
      },
      differs:
        "Answers every subcommand as a Redis with cluster support disabled: a namespace is one server to its clients, sharded inside (docs/scaling.md).",
    },
  }),
  command("readonly", 1, "flt", null, disabled, {
    route: LOCAL,
    doc: {
      summary: "Enables read queries for a connection to a cluster replica node",
      group: "cluster",
      since: "3.0.0",
      params: "",
      differs: "Answers as a Redis with cluster support disabled (see CLUSTER).",
    },
  }),
  command("readwrite", 1, "flt", null, disabled, {
    route: LOCAL,
    doc: {
      summary: "Disables read queries for a connection to a cluster replica node",
      group: "cluster",
      since: "3.0.0",
      params: "",
      differs: "Answers as a Redis with cluster support disabled (see CLUSTER).",
    },
  }),
  command("asking", 1, "f", null, disabled, {
    route: LOCAL,
    doc: {
      summary: "Sent by cluster clients after an -ASK redirect",
      group: "cluster",
      since: "3.0.0",
      params: "",
      differs: "Answers as a Redis with cluster support disabled (see CLUSTER).",
    },
  }),
];
