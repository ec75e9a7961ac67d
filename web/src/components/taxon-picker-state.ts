// The taxon picker's own state (the combobox pattern): the text typed, whether the list is open, which option is
// active. The options themselves are the search's answer, so their count comes with each event that needs it.
export interface PickerState {
  text: string;
  open: boolean;
  /** The active option's index, -1 for none. */
  active: number;
}

export type PickerEvent =
  | { type: 'typed'; text: string }
  | { type: 'down'; count: number }
  | { type: 'up'; count: number }
  /** An option was chosen: its label becomes the text. */
  | { type: 'chose'; text: string }
  | { type: 'close' }
  /** Escape: closes the list, or clears the text when it is closed already. */
  | { type: 'escape' };

export const initialPickerState = (text = ''): PickerState => ({ text, open: false, active: -1 });

export function pickerReducer(state: PickerState, event: PickerEvent): PickerState {
  switch (event.type) {
    case 'typed':
      return { text: event.text, open: event.text.trim() !== '', active: -1 };
    case 'down':
      if (event.count === 0) return { ...state, open: true, active: -1 };
      return { ...state, open: true, active: state.open ? (activeIndex(state, event.count) + 1) % event.count : 0 };
    case 'up': {
      if (event.count === 0) return { ...state, open: true, active: -1 };
      const current = state.open ? activeIndex(state, event.count) : -1;
      return { ...state, open: true, active: current <= 0 ? event.count - 1 : current - 1 };
    }
    case 'chose':
      return { text: event.text, open: false, active: -1 };
    case 'close':
      return state.open ? { ...state, open: false, active: -1 } : state;
    case 'escape':
      return state.open ? { ...state, open: false, active: -1 } : { text: '', open: false, active: -1 };
  }
}

/** The active option among `count` shown (the answer may have shrunk since it was made active). */
export function activeIndex(state: PickerState, count: number): number {
  return state.open && state.active < count ? state.active : -1;
}

/** The option Enter chooses: the active one, else the first (the best match) while the list is open. */
export function optionToChoose(state: PickerState, count: number): number {
  if (!state.open || count === 0) return -1;
  const active = activeIndex(state, count);
  return active >= 0 ? active : 0;
}
