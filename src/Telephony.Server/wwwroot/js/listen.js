// The supervisor listening from the browser's own audio (WebRTC). The server terminates the media itself
// (ICE-lite, DTLS-SRTP, G.711) and mixes this page into the call as monitor, whisper or barge. A mode change
// needs no renegotiation (the server's mixer decides who hears whom), so the microphone is taken when joining:
// in monitor nobody hears it. A page without a microphone (or refused one) still listens; it cannot be heard
// when whispering or barging.
//
// Flow: ListenInBrowser (hub) → ListenOffer (to this page's connection only) → the answer → AnswerListen;
// ListenEnded (left, the call ended) or leave() closes the peer connection.
// For tests and checks: window.telephonyListen.state(), .callId(), .levels([hz, …]) (dBFS at each frequency of
// what is heard, WebAudio analyser), .stats() (getStats: packets, bytes, energy, the ICE pair).
import { HeardAudio, mediaStats } from './heard.js';

const MICROPHONE = { audio: { echoCancellation: true, noiseSuppression: false, autoGainControl: false } };

export class BrowserListener {
  /** onEnded(callId, why): the page's leg ended without leave() (why: null when the server ended it, else the error). */
  constructor(hub, onEnded) {
    this.hub = hub;
    this.onEnded = onEnded;
    this.wanted = null; // the call this page asked to join: only its offer is answered
    this.call = null;   // { callId, pc, stream }
    this.heard = new HeardAudio('listen-audio');
    hub.on('ListenOffer', offer => this.answer(offer).catch(error => this.failed(offer.callId, error)));
    hub.on('ListenEnded', callId => {
      if (this.wanted !== callId) return;
      this.close();
      this.onEnded(callId, null);
    });
    window.telephonyListen = {
      state: () => this.call?.pc.connectionState ?? 'none',
      callId: () => this.call?.callId ?? null,
      levels: frequencies => this.heard.levels(frequencies),
      stats: async () => (this.call ? JSON.stringify(await mediaStats(this.call.pc)) : null),
    };
  }

  static get supported() { return typeof RTCPeerConnection === 'function' && !!navigator.mediaDevices; }

  /** Asks to join <callId> in <mode>; the offer arrives on ListenOffer (possibly before this returns). */
  async join(callId, mode) {
    this.close();
    this.wanted = callId;
    try {
      return await this.hub.invoke('ListenInBrowser', callId, mode);
    } catch (error) {
      this.wanted = null;
      throw error;
    }
  }

  async answer(offer) {
    if (offer.callId !== this.wanted) return; // an offer for a call this page no longer wants: the server ends it with the page
    this.close(false);
    // The server is the DTLS server and ICE-lite with one host candidate: no STUN/TURN servers needed.
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    const call = { callId: offer.callId, pc, stream: null };
    this.call = call;
    pc.ontrack = e => this.heard.hear(e.streams[0] ?? new MediaStream([e.track]));
    pc.onconnectionstatechange = () => {
      console.info(`listening to ${call.callId}: ${pc.connectionState}`);
      if (pc.connectionState === 'failed' && this.call === call) this.failed(call.callId, new Error('browser media failed'));
    };
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    const [transceiver] = pc.getTransceivers();
    try {
      call.stream = await navigator.mediaDevices.getUserMedia(MICROPHONE);
      await transceiver.sender.replaceTrack(call.stream.getAudioTracks()[0]);
      transceiver.direction = 'sendrecv';
    } catch {
      transceiver.direction = 'recvonly'; // listen only
    }
    await pc.setLocalDescription(await pc.createAnswer());
    await this.hub.invoke('AnswerListen', offer.callId, pc.localDescription.sdp);
  }

  /** Leaves the call (the server ends the leg and rebridges citizen and agent). */
  async leave(callId) {
    this.close();
    await this.hub.invoke('Leave', callId);
  }

  async failed(callId, error) {
    if (this.wanted !== callId) return;
    console.warn(`listening to ${callId} failed: ${error?.message ?? error}`);
    this.close();
    try { await this.hub.invoke('Leave', callId); } catch { /* the call or the leg is gone already */ }
    this.onEnded(callId, error?.message ?? String(error));
  }

  /** Closes the peer connection (forget: the call is no longer wanted either). */
  close(forget = true) {
    if (forget) this.wanted = null;
    const call = this.call;
    if (!call) return;
    this.call = null;
    call.stream?.getTracks().forEach(t => t.stop());
    call.pc.close();
    this.heard.stop();
  }
}
