// Connection commands (spec §10.4, §10.9): PING ECHO QUIT AUTH HELLO SELECT RESET CLIENT
// (COMMAND lives in introspection.ts).

import { asciiLower } from "../ascii.ts";
import { command, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import { subscriptionCount } from "../conn-state.ts";
import { CommandError, Errors } from "../errors.ts";
import { parseDbIndex } from "../databases.ts";
import { parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { REDIS_VERSION } from "../../limits.ts";
import { BAD_CLIENT_NAME, client, validClientName } from "./client.ts";

const DEFAULT_USER = "default";
const NO_PASSWORD_CONFIGURED =
  "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?";
const HELLO_NOAUTH =
  "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time";

/** AUTH semantics shared by AUTH and HELLO … AUTH (spec §10.4). Throws WRONGPASS on failure. */
function authenticate(ctx: Ctx, user: string | undefined, pass: string): void {
  const host = ctx.engine.host;
  if (!host.authEnabled) {
    if (user === undefined) throw new CommandError("ERR", NO_PASSWORD_CONFIGURED);
    if (user !== DEFAULT_USER) throw Errors.wrongPass();
    ctx.conn.authed = true;
    return;
  }
  if (user !== undefined && user !== DEFAULT_USER) throw Errors.wrongPass();
  const scope = host.authenticate(pass);
  if (!scope) throw Errors.wrongPass();
  ctx.conn.authed = true;
  ctx.conn.readonly = scope === "readonly";
}

function hello(ctx: Ctx, argv: readonly string[]): Reply {
  let proto = ctx.conn.resp;
  if (argv.length >= 2) {
    const v = parseStrictInt(argv[1]!);
    if (v === undefined)
      throw new CommandError("ERR", "ERR Protocol version is not an integer or out of range");
    if (v !== 2n && v !== 3n) throw Errors.noProto();
    proto = Number(v) as 2 | 3;
  }
  let user: string | undefined;
  let pass: string | undefined;
  let name: string | undefined;
  for (let j = 2; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!;
    if (asciiLower(opt) === "auth" && more >= 2) {
      user = argv[j + 1];
      pass = argv[j + 2];
      j += 2;
    } else if (asciiLower(opt) === "setname" && more >= 1) {
      name = argv[++j];
    } else throw new CommandError("ERR", `ERR Syntax error in HELLO option '${opt}'`);
  }
  if (pass !== undefined) authenticate(ctx, user ?? DEFAULT_USER, pass);
  if (!ctx.conn.authed) throw new CommandError("NOAUTH", HELLO_NOAUTH);
  if (name !== undefined) {
    if (!validClientName(name)) throw new CommandError("ERR", BAD_CLIENT_NAME);
    ctx.conn.name = name;
  }
  ctx.conn.resp = proto;
  return R.map([
    R.bulk("server"),
    R.bulk("redis"),
    R.bulk("version"),
    R.bulk(REDIS_VERSION),
    R.bulk("proto"),
    R.int(proto),
    R.bulk("id"),
    R.int(ctx.conn.id),
    R.bulk("mode"),
    R.bulk("standalone"),
    R.bulk("role"),
    R.bulk("master"),
    R.bulk("modules"),
    R.EMPTY,
  ]);
}

/** Docs of this family's records (COMMAND DOCS, REPL help, docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  ping: { summary: "Ping the server", group: "connection", since: "1.0.0", params: "[message]" },
  echo: {
    summary: "Echo the given string",
    group: "connection",
    since: "1.0.0",
    params: "message",
  },
  quit: { summary: "Close the connection", group: "connection", since: "1.0.0", params: "" },
  auth: {
    summary: "Authenticate to the server",
    group: "connection",
    since: "1.0.0",
    params: "[username] password",
  },
  hello: {
    summary: "Handshake with Redis",
    group: "connection",
    since: "6.0.0",
    params: "[protover [AUTH username password] [SETNAME clientname]]",
  },
  select: {
    summary: "Change the selected database for the current connection",
    group: "connection",
    since: "1.0.0",
    params: "index",
  },
  reset: { summary: "Reset the connection", group: "connection", since: "6.2.0", params: "" },
  client: {
    summary: "A container for client connection commands",
    group: "connection",
    since: "2.4.0",
    params: "",
    subcommands: {
      GETNAME: { summary: "Get the current connection name", since: "2.6.9", params: "" },
      ID: {
        summary: "Returns the client ID for the current connection",
        since: "5.0.0",
        params: "",
      },
      INFO: {
        summary: "Returns information about the current client connection.",
        since: "6.2.0",
        params: "",
      },
      LIST: {
        summary: "Get the list of client connections",
        since: "2.4.0",
        params: "[TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]",
      },
      SETINFO: {
        summary: "Set client or connection specific info",
        since: "7.2.0",
        params: "LIB-NAME libname|LIB-VER libver",
      },
      REPLY: {
        summary: "Instruct the server whether to reply to commands",
        since: "3.2.0",
        params: "ON|OFF|SKIP",
      },
      UNBLOCK: {
        summary: "Unblock a client blocked in a blocking command from a different connection",
        since: "5.0.0",
        params: "client-id [TIMEOUT|ERROR]",
      },
      SETNAME: {
        summary: "Set the current connection name",
        since: "2.6.9",
        params: "connection-name",
      },
      TRACKING: {
        summary: "Enable or disable server assisted client side caching support",
        since: "6.0.0",
        params:
          "ON|OFF [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]",
      },
      CACHING: {
        summary: "Instruct the server about tracking or not keys in the next request",
        since: "6.0.0",
        params: "YES|NO",
      },
      GETREDIR: {
        summary: "Get tracking notifications redirection client ID if any",
        since: "6.0.0",
        params: "",
      },
      HELP: {
        summary: "Show helpful text about the different subcommands",
        since: "5.0.0",
        params: "",
      },
      TRACKINGINFO: {
        summary:
          "Return information about server assisted client side caching for the current connection",
        since: "6.2.0",
        params: "",
      },
    },
  },
  command: {
    summary: "Get array of Redis command details",
    group: "server",
    since: "2.8.13",
    params: "",
    subcommands: {
      COUNT: { summary: "Get total number of Redis commands", since: "2.8.13", params: "" },
      DOCS: {
        summary: "Get array of specific Redis command documentation",
        since: "7.0.0",
        params: "[command-name [command-name ...]]",
      },
      INFO: {
        summary: "Get array of specific Redis command details, or all when no argument is given.",
        since: "2.8.13",
        params: "[command-name [command-name ...]]",
      },
      LIST: {
        summary: "Get an array of Redis command names",
        since: "7.0.0",
        params: "[FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]",
      },
    },
  },
};

export const connectionCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("ping", -1, "c", null, (ctx, argv) => {
    if (argv.length > 2) throw Errors.arity("ping");
    // RESP2 with subscriptions: a pong array, as a message would be framed.
    if (ctx.conn.resp === 2 && subscriptionCount(ctx.conn))
      return R.array([R.bulk("pong"), R.bulk(argv[1] ?? "")]);
    return argv.length === 2 ? R.bulk(argv[1]!) : R.PONG;
  }),
  command("echo", 2, "c", null, (_ctx, argv) => R.bulk(argv[1]!)),
  command("quit", -1, "cni", null, (ctx) => {
    ctx.conn.closing = true;
    return R.OK;
  }),
  command("auth", -2, "cn", null, (ctx, argv) => {
    if (argv.length > 3) throw Errors.syntax();
    if (argv.length === 3) authenticate(ctx, argv[1], argv[2]!);
    else authenticate(ctx, undefined, argv[1]!);
    return R.OK;
  }),
  command("hello", -1, "cn", null, hello),
  command("select", 2, "c", null, (ctx, argv) => {
    ctx.engine.select(ctx, parseDbIndex(argv[1]!));
    return R.OK;
  }),
  command("reset", 1, "cni", null, (ctx) => {
    const c = ctx.conn;
    c.multi = null;
    c.multiFailed = false;
    c.watch = null;
    c.name = "";
    c.resp = 2;
    ctx.engine.select(ctx, 0);
    c.authed = c.authedAtOpen;
    c.readonly = c.readonlyAtOpen;
    c.replyMode = "on";
    ctx.engine.pubsub.removeAll(c);
    ctx.engine.tracking.disable(c);
    return R.status("RESET");
  }),
  command("client", -2, "c", null, client),
]);
