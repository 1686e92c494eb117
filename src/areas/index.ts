/** The province's administrative units (before and after the 2025 reform): below the features, which all use them. */
export { type AreaByDate, type AreaCatalog, areaExistsThroughout, type AreaRecord, buildAreaCatalog, reformPartOf, reformParts, type ReformPart } from './areas.service.js';
