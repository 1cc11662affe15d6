import {
  addDurationToDate,
  dayNumberOf,
  durationPicosOf,
  formatDateTimeOffset,
  formatDuration,
  instantOf,
  parseDateTimeOffset,
} from '../../../src/odata/evaluate/temporal';

describe('temporal values', () => {
  it('keys instants at full precision, independent of offset and trailing zeros', () => {
    expect(instantOf('2024-05-18T09:29:47.123456Z')).toBe(instantOf('2024-05-18T11:29:47.1234560+02:00'));
    expect(instantOf('2024-05-18T09:29:47.123457Z')! - instantOf('2024-05-18T09:29:47.123456Z')!).toBe(1_000_000n);
    expect(instantOf('1970-01-01T00:00:00Z')).toBe(0n);
    expect(instantOf('1969-12-31T23:59:59.5Z')).toBe(-500_000_000_000n);
    expect(instantOf('2024-05-18T09:29Z')).toBe(instantOf('2024-05-18T09:29:00Z'));
    expect(instantOf('2024-05-18')).toBeUndefined();
    expect(instantOf('garbage')).toBeUndefined();
  });

  it('agrees with Date.parse at millisecond precision over many dates', () => {
    for (let ms = -5e12; ms < 5e12; ms += 7.3e10 + 123) {
      const iso = new Date(ms).toISOString();
      expect(instantOf(iso)).toBe(BigInt(ms) * 1_000_000_000n);
    }
  });

  it('parses date parts in the value’s own offset', () => {
    expect(parseDateTimeOffset('2024-05-17T23:59:59.999999-01:00')).toMatchObject({
      year: 2024,
      month: 5,
      day: 17,
      hour: 23,
      second: 59,
      fraction: '999999',
      offsetMinutes: -60,
    });
  });

  it('counts days for Edm.Date', () => {
    expect(dayNumberOf('1970-01-02')).toBe(1);
    expect(dayNumberOf('2000-03-01')! - dayNumberOf('2000-02-28')!).toBe(2); // 2000 is a leap year
    expect(dayNumberOf('1900-03-01')! - dayNumberOf('1900-02-28')!).toBe(1); // 1900 is not
  });

  it('parses and formats durations', () => {
    expect(durationPicosOf('P1DT2H3M4.5S')).toBe(93_784_500_000_000_000n);
    expect(durationPicosOf('-PT0.000001S')).toBe(-1_000_000n);
    expect(durationPicosOf("duration'PT1H'")).toBe(3_600_000_000_000_000n);
    expect(durationPicosOf('P')).toBeUndefined();
    expect(durationPicosOf('PT')).toBeUndefined();
    expect(formatDuration(93_784_500_000_000_000n)).toBe('P1DT2H3M4.5S');
    expect(formatDuration(-1_000_000n)).toBe('-PT0.000001S');
    expect(formatDuration(0n)).toBe('PT0S');
  });

  it('formats date arithmetic results in the original offset', () => {
    const instant = instantOf('2024-05-18T23:30:00.25+02:00')!;
    expect(formatDateTimeOffset(instant + 3_600_000_000_000_000n, 120, '+02:00')).toBe('2024-05-19T00:30:00.25+02:00');
    expect(addDurationToDate(dayNumberOf('2024-05-18')!, -1n)).toBe('2024-05-17');
    expect(addDurationToDate(dayNumberOf('2024-02-28')!, 86_400_000_000_000_000n)).toBe('2024-02-29');
  });
});
