// The live room's pure parts in the browser app: connection quality from WebRTC statistics and the simulcast layer
// a tile needs.
import { describe, expect, it } from 'vitest';
import { inboundCountsOf, inboundVideoTotalsOf, lossBetween, qualityOf, roundTripOf, sendingQualityOf, worse, type RtcStat, type StatsReport } from '../../web/src/rtc/quality';
import { layerForWidth } from '../../web/src/rtc/simulcast';

const report = (...stats: RtcStat[]): StatsReport => new Map(stats.map((stat, index) => [String(index), stat]));

describe('connection quality', () => {
  it('grades loss and round trip as a traffic light', () => {
    expect(qualityOf(null, null)).toBe('unknown');
    expect(qualityOf(0, 0.05)).toBe('good');
    expect(qualityOf(0.01, null)).toBe('good');
    expect(qualityOf(0.05, 0.1)).toBe('fair');
    expect(qualityOf(0, 0.3)).toBe('fair');
    expect(qualityOf(0.1, 0.1)).toBe('poor');
    expect(qualityOf(null, 0.5)).toBe('poor');
  });

  it('keeps the worse of two readings, any reading being worse than none', () => {
    expect(worse('unknown', 'good')).toBe('good');
    expect(worse('good', 'poor')).toBe('poor');
    expect(worse('fair', 'good')).toBe('fair');
    expect(worse('poor', 'unknown')).toBe('poor');
  });

  it('takes the round trip of the succeeded candidate pairs only', () => {
    expect(roundTripOf(report({ type: 'candidate-pair', state: 'in-progress', currentRoundTripTime: 2 }))).toBeNull();
    expect(
      roundTripOf(
        report(
          { type: 'candidate-pair', state: 'succeeded', currentRoundTripTime: 0.03 },
          { type: 'candidate-pair', state: 'succeeded', currentRoundTripTime: 0.08 },
          { type: 'inbound-rtp', currentRoundTripTime: 5 },
        ),
      ),
    ).toBe(0.08);
  });

  it('measures loss between two readings of a consumer', () => {
    const first = inboundCountsOf(report({ type: 'inbound-rtp', packetsLost: 2, packetsReceived: 98 }, { type: 'outbound-rtp', packetsLost: 50 }));
    expect(first).toEqual({ lost: 2, received: 98 });
    expect(lossBetween(undefined, first)).toBeCloseTo(0.02);
    const second = inboundCountsOf(report({ type: 'inbound-rtp', packetsLost: 12, packetsReceived: 188 }));
    expect(lossBetween(first, second)).toBeCloseTo(0.1);
    expect(lossBetween(second, second)).toBeNull();
  });

  it('grades sending by what the receiving end reports, else by the round trip', () => {
    expect(sendingQualityOf(report())).toBe('unknown');
    expect(sendingQualityOf(report({ type: 'remote-inbound-rtp', fractionLost: 0.01, roundTripTime: 0.05 }, { type: 'remote-inbound-rtp', fractionLost: 0.2 }))).toBe('poor');
    expect(sendingQualityOf(report({ type: 'candidate-pair', state: 'succeeded', currentRoundTripTime: 0.2 }))).toBe('fair');
  });

  it('adds up the video a consumer received', () => {
    const totals = inboundVideoTotalsOf(
      report(
        { type: 'inbound-rtp', kind: 'video', framesDecoded: 30, bytesReceived: 1000, packetsLost: 1, frameWidth: 320, frameHeight: 180 },
        { type: 'inbound-rtp', kind: 'video', framesDecoded: 10, bytesReceived: 500, frameWidth: 640, frameHeight: 360 },
        { type: 'inbound-rtp', kind: 'audio', bytesReceived: 9999, packetsLost: 9 },
      ),
    );
    expect(totals).toEqual({ framesDecoded: 40, bytesReceived: 1500, packetsLost: 1, frameWidth: 640, frameHeight: 360 });
  });
});

describe('simulcast layer by tile width', () => {
  it('asks for the lowest layer for small tiles and the highest for large ones', () => {
    expect(layerForWidth(160, 3)).toBe(0);
    expect(layerForWidth(320, 3)).toBe(1);
    expect(layerForWidth(639, 3)).toBe(1);
    expect(layerForWidth(1280, 3)).toBe(2);
  });

  it('never asks for a layer the sender does not have', () => {
    expect(layerForWidth(1280, 1)).toBe(0);
    expect(layerForWidth(1280, 2)).toBe(1);
    expect(layerForWidth(0, 0)).toBe(0);
  });
});
