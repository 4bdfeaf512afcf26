// The seat's phone as the desktop sees it. A seat with a SIP phone ('sip') answers on that phone;
// hang-up, hold and mute go to the server's call (hub commands), which acts on the media it anchors.
// Another phone kind (the browser's own WebRTC audio) registers itself with registerPhone(kind, factory)
// and then appears in the login form; it gets the same calls from the desktop:
//   answer(callId), hangUp(callId), hold(callId, on), mute(callId, on), digit(callId, d),
//   canAnswer (bool), canSendDigits (bool), start(hub), stop(),
//   onCallOffered(offered), onCallEnded(left), onConnected()   (optional; onConnected after every (re)connect)
const kinds = new Map();

export function registerPhone(kind, label, factory) {
  kinds.set(kind, { label, factory });
  document.dispatchEvent(new CustomEvent('desk:phones'));
}

export const phoneKinds = () => [...kinds.entries()].map(([kind, v]) => ({ kind, label: v.label }));

export function createPhone(kind, hub) {
  const entry = kinds.get(kind) ?? kinds.get('sip');
  return entry.factory(hub);
}

/** A SIP phone at the seat: the phone itself answers and sends tones; the rest goes through the hub. */
class SipSeatPhone {
  constructor(hub) { this.hub = hub; }
  get canAnswer() { return false; }
  get canSendDigits() { return false; }
  async start() {}
  async stop() {}
  async answer() { throw new Error('answer on the phone'); }
  hangUp(callId) { return this.hub.invoke('HangUp', callId); }
  hold(callId, on) { return this.hub.invoke('Hold', callId, on); }
  mute(callId, on) { return this.hub.invoke('Mute', callId, on); }
  async digit() { throw new Error('use the phone keypad'); }
}

registerPhone('sip', 'audio.sip', hub => new SipSeatPhone(hub));

// Other modules (the WebRTC phone) register through this global, which needs no import order.
window.telephonyDesk = { ...(window.telephonyDesk ?? {}), registerPhone };
