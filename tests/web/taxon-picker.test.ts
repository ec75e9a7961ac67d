// The taxon picker's combobox state: typing opens the list, arrows move through the options (wrapping), Enter
// chooses the active option or else the best match, Escape closes and then clears.
import { describe, expect, it } from 'vitest';
import {
  activeIndex,
  initialPickerState,
  optionToChoose,
  pickerReducer,
  type PickerEvent,
  type PickerState,
} from '../../web/src/components/taxon-picker-state';

const run = (state: PickerState, ...events: PickerEvent[]) => events.reduce(pickerReducer, state);

describe('taxon picker state', () => {
  it('starts closed, with the chosen taxon as its text', () => {
    expect(initialPickerState()).toEqual({ text: '', open: false, active: -1 });
    expect(initialPickerState('Aedes albopictus')).toEqual({ text: 'Aedes albopictus', open: false, active: -1 });
  });

  it('opens as one types, with no option active; clearing the text closes it', () => {
    const typed = run(initialPickerState(), { type: 'typed', text: '白纹' });
    expect(typed).toEqual({ text: '白纹', open: true, active: -1 });
    expect(run(typed, { type: 'typed', text: '  ' })).toEqual({ text: '  ', open: false, active: -1 });
  });

  it('moves down and up through the options, wrapping at both ends', () => {
    const typed = run(initialPickerState(), { type: 'typed', text: 'aedes' });
    const down = (state: PickerState) => pickerReducer(state, { type: 'down', count: 3 });
    const up = (state: PickerState) => pickerReducer(state, { type: 'up', count: 3 });
    expect(down(typed).active).toBe(0);
    expect(down(down(down(typed))).active).toBe(2);
    expect(down(down(down(down(typed)))).active).toBe(0);
    expect(up(typed).active).toBe(2);
    expect(up(down(typed)).active).toBe(2);
    expect(up(down(down(typed))).active).toBe(0);
  });

  it('opens a closed list with the arrows: down at the first option, up at the last', () => {
    const closed = initialPickerState('Culex');
    expect(pickerReducer(closed, { type: 'down', count: 4 })).toEqual({ text: 'Culex', open: true, active: 0 });
    expect(pickerReducer(closed, { type: 'up', count: 4 })).toEqual({ text: 'Culex', open: true, active: 3 });
    expect(pickerReducer(closed, { type: 'down', count: 0 })).toEqual({ text: 'Culex', open: true, active: -1 });
  });

  it('takes the chosen option as its text and closes', () => {
    const active = run(initialPickerState(), { type: 'typed', text: 'tiger' }, { type: 'down', count: 2 });
    expect(pickerReducer(active, { type: 'chose', text: 'Aedes albopictus' })).toEqual({
      text: 'Aedes albopictus',
      open: false,
      active: -1,
    });
  });

  it('closes on Escape, then clears on a second Escape; closing a closed list changes nothing', () => {
    const open = run(initialPickerState(), { type: 'typed', text: 'ixodes' }, { type: 'down', count: 5 });
    const closed = pickerReducer(open, { type: 'escape' });
    expect(closed).toEqual({ text: 'ixodes', open: false, active: -1 });
    expect(pickerReducer(closed, { type: 'escape' })).toEqual({ text: '', open: false, active: -1 });
    expect(pickerReducer(closed, { type: 'close' })).toBe(closed);
  });

  it('forgets an active option the new answer no longer has', () => {
    const third = run(
      initialPickerState(),
      { type: 'typed', text: 'a' },
      { type: 'down', count: 5 },
      { type: 'down', count: 5 },
      { type: 'down', count: 5 },
    );
    expect(activeIndex(third, 5)).toBe(2);
    expect(activeIndex(third, 2)).toBe(-1);
    expect(activeIndex({ ...third, open: false }, 5)).toBe(-1);
  });

  it('chooses on Enter the active option, else the best match, and nothing from a closed or empty list', () => {
    const typed = run(initialPickerState(), { type: 'typed', text: 'aedes' });
    expect(optionToChoose(typed, 3)).toBe(0);
    expect(optionToChoose(run(typed, { type: 'up', count: 3 }), 3)).toBe(2);
    expect(optionToChoose(typed, 0)).toBe(-1);
    expect(optionToChoose(initialPickerState('Aedes'), 3)).toBe(-1);
  });
});
