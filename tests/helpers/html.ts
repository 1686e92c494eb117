import * as cheerio from 'cheerio';

/** Parses an HTML response for assertions on what a person would see. */
export function html(body: string) {
  return cheerio.load(body);
}

/** The visible text of an element, with whitespace collapsed. */
export function textOf($: cheerio.CheerioAPI, selector: string): string {
  return $(selector).text().replace(/\s+/g, ' ').trim();
}
