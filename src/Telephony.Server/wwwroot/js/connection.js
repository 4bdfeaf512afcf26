// A hub connection (the agents' hub by default; the supervisors' wall passes its own). It never gives up while the agent is signed in: SignalR's automatic
// reconnect with a retry that goes on (0, 0.5, 1, 2 s, then every 3 s), and, if the connection closes
// anyway, a fresh start every 3 s. After every (re)connect the desktop restores the seat (onUp).
// Only a refused token (401) stops it: the agent must sign in again (onSignedOut).
const RETRY = [0, 500, 1000, 2000];
const EVERY = 3000;

export class DeskConnection {
  constructor(tokenFactory, { onUp, onStatus, onSignedOut }, url = '/hubs/agents') {
    this.onUp = onUp; this.onStatus = onStatus; this.onSignedOut = onSignedOut;
    this.stopped = false;
    this.hub = new signalR.HubConnectionBuilder()
      .withUrl(url, { accessTokenFactory: tokenFactory })
      .withAutomaticReconnect({
        nextRetryDelayInMilliseconds: ctx => (isUnauthorized(ctx.retryReason) ? null : RETRY[ctx.previousRetryCount] ?? EVERY),
      })
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    this.hub.serverTimeoutInMilliseconds = 15000;
    this.hub.keepAliveIntervalInMilliseconds = 5000;
    this.hub.onreconnecting(() => this.onStatus('reconnecting'));
    this.hub.onreconnected(() => this.up());
    this.hub.onclose(error => this.closed(error));
  }

  on(name, handler) { this.hub.on(name, handler); }

  invoke(name, ...args) { return this.hub.invoke(name, ...args); }

  async start() {
    while (!this.stopped) {
      try {
        this.onStatus('reconnecting');
        await this.hub.start();
        await this.up();
        return;
      } catch (error) {
        if (isUnauthorized(error)) { this.stopped = true; this.onSignedOut(); return; }
        await new Promise(r => setTimeout(r, EVERY));
      }
    }
  }

  async stop() { this.stopped = true; await this.hub.stop(); }

  async up() {
    this.onStatus('online');
    try { await this.onUp(); } catch (error) { console.warn('restoring the seat failed', error); }
  }

  closed(error) {
    this.onStatus('offline');
    if (this.stopped) return;
    if (isUnauthorized(error)) { this.stopped = true; this.onSignedOut(); return; }
    setTimeout(() => this.start(), EVERY);
  }
}

function isUnauthorized(error) {
  return error?.statusCode === 401 || /\b401\b|Unauthorized/.test(error?.message ?? '');
}
