// The console's WebSocket client (browser JavaScript, a piece of the page script in app.ts; uses
// its `R` = BlinkResp). Every send() is one message and gets one reply message (spec §6.3), so
// replies are matched to requests by order; several commands in one send() are pipelined.

/** Defines `Conn` inside the page script's scope. */
export const CONSOLE_CONN = String.raw`
  function Conn(url, onState) {
    this.url = url;
    this.ws = null;
    this.opening = null;
    this.queue = [];
    this.onState = onState;
    this.closed = false;
  }
  Conn.prototype.open = function () {
    var self = this;
    if (this.ws) return Promise.resolve();
    if (this.opening) return this.opening;
    if (this.closed) return Promise.reject(new Error("closed"));
    this.opening = new Promise(function (resolve, reject) {
      var ws = new WebSocket(self.url);
      var opened = false;
      ws.binaryType = "arraybuffer";
      ws.onopen = function () {
        opened = true;
        self.ws = ws;
        self.opening = null;
        if (self.onState) self.onState(true);
        resolve();
      };
      ws.onmessage = function (e) {
        var p = self.queue.shift();
        if (!p) return;
        try { p.resolve(R.decodeReplies(new Uint8Array(e.data))); } catch (err) { p.reject(err); }
      };
      ws.onclose = function () {
        if (self.ws === ws) self.ws = null;
        self.queue.splice(0).forEach(function (p) { p.reject(new Error("connection closed")); });
        if (!opened) {
          self.opening = null;
          reject(new Error("cannot connect (refused or unreachable)"));
        }
        if (self.onState) self.onState(false);
      };
    });
    return this.opening;
  };
  /** Sends commands (arrays of byte strings) as one message; resolves with their replies. */
  Conn.prototype.send = function (cmds) {
    var self = this;
    return this.open().then(function () {
      return new Promise(function (resolve, reject) {
        self.queue.push({ resolve: resolve, reject: reject });
        self.ws.send(R.encodeCommands(cmds));
      });
    });
  };
  Conn.prototype.close = function () {
    this.closed = true;
    if (this.ws) this.ws.close(1000);
    this.ws = null;
  };

`;
