// The value lists of the wire, for clients that need the values themselves (pickers, filters), not only types.
export * from '../domain/vocabulary.js';
