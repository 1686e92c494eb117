/** The form-keys feature's public face: other folders import it through this file only. */
export { formKeysRepository, onceFor, requestHash, submissionKeyPattern, type KeyedRequest, type RequestKind, type StoredOutcome } from './form-keys.repository.js';
export { requestKeysService, type RequestKeysService } from './form-keys.service.js';
