/** The form-keys feature's public face: other folders import it through this file only. */
export { formKeysRepository, onceFor, submissionKeyPattern } from './form-keys.repository.js';
