/** A file on local storage that a service has found, and authorised the caller to read. */
export interface StoredFile {
  path: string;
  mediaType: string;
  /** Offered as a download under this name; shown inline when absent. */
  downloadName?: string;
}
