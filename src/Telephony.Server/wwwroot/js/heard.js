// What a page hears from a WebRTC peer: the remote stream played on a hidden <audio> element (Chromium feeds
// WebAudio from a remote stream only while an element plays it) and analysed through WebAudio, for people (the
// call is audible) and for tests and checks (the strongest frequency, the level at chosen frequencies).
const FFT = 8192;

export class HeardAudio {
  constructor(id) {
    this.audio = document.getElementById(id) ?? Object.assign(document.createElement('audio'), { id, autoplay: true });
    if (!this.audio.isConnected) { this.audio.hidden = true; document.body.append(this.audio); }
    this.analyser = null;
    this.context = null;
  }

  /** Plays and analyses <stream> (the latest stream replaces the one before). */
  hear(stream) {
    this.audio.srcObject = stream;
    this.audio.play().catch(() => { /* autoplay refused: the analyser still runs */ });
    this.context ??= new AudioContext();
    this.context.resume().catch(() => {});
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = FFT;
    this.context.createMediaStreamSource(stream).connect(this.analyser);
  }

  /** Nothing more to hear. */
  stop() {
    this.audio.srcObject = null;
    this.analyser = null;
  }

  spectrum() {
    if (!this.analyser) return null;
    const bins = new Float32Array(this.analyser.frequencyBinCount);
    this.analyser.getFloatFrequencyData(bins);
    return bins;
  }

  /** The strongest frequency heard (Hz), 0 when silent. */
  dominantFrequency() {
    const bins = this.spectrum();
    if (!bins) return 0;
    let best = 1;
    for (let i = 2; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
    return bins[best] < -90 ? 0 : Math.round(best * this.context.sampleRate / FFT);
  }

  /** The level (dBFS, the loudest of the two bins either side) at each of <frequencies>; null when nothing is heard yet. */
  levels(frequencies) {
    const bins = this.spectrum();
    if (!bins) return null;
    return frequencies.map(hz => {
      const at = Math.round(hz * FFT / this.context.sampleRate);
      let level = -Infinity;
      for (let i = Math.max(1, at - 2); i <= Math.min(bins.length - 1, at + 2); i++) level = Math.max(level, bins[i]);
      return Math.round(level);
    });
  }
}

/** A peer connection's media as getStats() has it: packets, bytes and energy each way, and the ICE pair in use. */
export async function mediaStats(pc) {
  const out = {};
  const stats = await pc.getStats();
  stats.forEach(r => {
    if (r.type === 'inbound-rtp' || r.type === 'outbound-rtp') out[r.type] = { packets: r.packetsReceived ?? r.packetsSent, bytes: r.bytesReceived ?? r.bytesSent, energy: r.totalAudioEnergy, level: r.audioLevel, codec: r.codecId };
  });
  // The pair ICE selected: which of the browser's addresses the media really uses.
  stats.forEach(r => {
    if (r.type !== 'transport' || !r.selectedCandidatePairId) return;
    const pair = stats.get(r.selectedCandidatePairId);
    const local = pair && stats.get(pair.localCandidateId);
    const remote = pair && stats.get(pair.remoteCandidateId);
    out.pair = { local: `${local?.address}:${local?.port}`, remote: `${remote?.address}:${remote?.port}` };
  });
  return out;
}
