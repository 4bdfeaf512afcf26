// The browser as the seat's phone (WebRTC). The server terminates the media itself (ICE-lite, DTLS-SRTP,
// G.711), so this module only does what a browser must: take the server's offer from the agents' hub
// (BrowserOffer), answer it with the microphone (AnswerBrowserCall), play what the server sends, and end
// the peer connection when either side hangs up (BrowserCallEnded / EndBrowserCall). Hold, mute and the
// recording go through the hub like any seat's; key presses travel as RFC 4733 events on the media.
//
// Renegotiation: the server fixes a call's ICE credentials, DTLS-SRTP keys and codec for the call, so a
// re-offer (renegotiate(), e.g. an ICE restart) is sent over the hub before it is applied, refused there
// with the reason, and never applied here: the call goes on as it was. A headset unplugged or swapped needs no offer at all: the
// new microphone replaces the track on the same sender (replaceTrack).
//
// For tests and the agent's own check, window.telephonyWebPhone.dominantFrequency() reports the
// strongest frequency of what is heard (WebAudio analyser), and .state() the peer connection's state.
import { registerPhone } from './phone.js';
import { HeardAudio, mediaStats } from './heard.js';

class BrowserPhone {
  constructor(hub) {
    this.hub = hub;
    this.offers = new Map();   // callId -> SDP offer waiting for the agent's answer
    this.calls = new Map();    // callId -> { pc, stream, sender }
    this.heard = new HeardAudio('webphone-audio');
    window.telephonyWebPhone = {
      dominantFrequency: () => this.heard.dominantFrequency(),
      state: callId => this.calls.get(callId ?? [...this.calls.keys()].pop())?.pc.connectionState ?? 'none',
      offered: () => [...this.offers.keys()],
      renegotiate: iceRestart => this.renegotiate([...this.calls.keys()].pop(), iceRestart),
      signalingState: () => [...this.calls.values()].pop()?.pc.signalingState ?? 'none',
      stats: async () => {
        const call = [...this.calls.values()].pop();
        return call ? JSON.stringify(await mediaStats(call.pc)) : null;
      },
    };
  }

  get canAnswer() { return true; }
  get canSendDigits() { return true; }

  async start() {
    navigator.mediaDevices?.addEventListener?.('devicechange', () => this.reacquireMicrophones());
    this.hub.on('BrowserOffer', offer => { this.offers.set(offer.callId, offer.sdp); });
    this.hub.on('BrowserCallEnded', callId => this.close(callId));
  }

  /** After every (re)connect: this browser is the seat's phone (the server forgets it when the connection goes). */
  async onConnected() { await this.hub.invoke('UseBrowserPhone', true); }

  async stop() {
    for (const callId of [...this.calls.keys()]) this.close(callId);
    try { await this.hub.invoke('UseBrowserPhone', false); } catch { /* disconnected already */ }
  }

  async answer(callId) {
    const offer = this.offers.get(callId);
    if (!offer) throw new Error('no offer from the server for this call (yet)');
    this.offers.delete(callId);
    // The server is the DTLS server and ICE-lite with one host candidate: no STUN/TURN servers needed.
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    const call = { pc, stream: null, sender: null };
    this.calls.set(callId, call);
    pc.ontrack = e => this.heard.hear(e.streams[0] ?? new MediaStream([e.track]));
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed') this.end(callId, 'browser media failed');
    };
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    call.stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: false, autoGainControl: false } });
    const [track] = call.stream.getAudioTracks();
    track.addEventListener('ended', () => this.reacquireMicrophones());
    const transceiver = pc.getTransceivers()[0];
    await transceiver.sender.replaceTrack(track);
    transceiver.direction = 'sendrecv';
    call.sender = transceiver.sender;
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    await this.hub.invoke('AnswerBrowserCall', callId, pc.localDescription.sdp);
  }

  /**
   * Offers again on the call (iceRestart: new ICE credentials). The offer is asked of the server before it is
   * applied here: applying it first would move this side's ICE credentials while the server keeps the old
   * ones, and Chromium's consent checks with the new ones get a 401 that fails the call (RFC 7675). The
   * server refuses every re-offer today, so nothing changes here and the call goes on as it was.
   */
  async renegotiate(callId, iceRestart = false) {
    const call = this.calls.get(callId);
    if (!call) throw new Error('no browser call to renegotiate');
    const offer = await call.pc.createOffer({ iceRestart });
    try {
      await this.hub.invoke('ReofferBrowserCall', callId, offer.sdp);
    } catch (e) {
      return 'refused: ' + (e?.message ?? e);
    }
    throw new Error('the server took a re-offer but sent no answer');
  }

  /** The microphone went (unplugged) or another appeared: take the default one again, on the same sender. */
  async reacquireMicrophones() {
    for (const call of this.calls.values()) {
      const current = call.stream?.getAudioTracks()[0];
      if (current && current.readyState === 'live') continue;
      const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: false, autoGainControl: false } });
      const [track] = stream.getAudioTracks();
      track.addEventListener('ended', () => this.reacquireMicrophones());
      await call.sender?.replaceTrack(track);
      call.stream?.getTracks().forEach(t => t.stop());
      call.stream = stream;
    }
  }

  hangUp(callId) { return this.hub.invoke('HangUp', callId); }
  hold(callId, on) { return this.hub.invoke('Hold', callId, on); }
  mute(callId, on) { return this.hub.invoke('Mute', callId, on); }

  async digit(callId, d) {
    const sender = this.calls.get(callId)?.sender;
    if (!sender?.dtmf) throw new Error('no call audio to send tones on');
    sender.dtmf.insertDTMF(d, 160, 70);
  }

  onCallEnded(left) { this.close(left.callId); }

  async end(callId, reason) {
    this.close(callId);
    try { await this.hub.invoke('EndBrowserCall', callId, reason); } catch { /* the call is over already */ }
  }

  close(callId) {
    this.offers.delete(callId);
    const call = this.calls.get(callId);
    if (!call) return;
    this.calls.delete(callId);
    call.stream?.getTracks().forEach(t => t.stop());
    call.pc.close();
  }
}

registerPhone('browser', 'audio.browser', hub => new BrowserPhone(hub));
