// Small formatting helpers shared by the views.

const integer = new Intl.NumberFormat('en');
const decimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

export const count = (n) => (n === undefined || n === null ? '' : integer.format(n));
export const rate = (n) => (n === undefined || n === null ? '' : `${decimal.format(n)}/s`);
export const yesNo = (b) => (b ? 'yes' : 'no');
export const json = (o) => (o && Object.keys(o).length ? JSON.stringify(o) : '');

/** The value at a dotted path of an object (`message_stats.publish_details.rate`). */
export const dotted = (o, path) => path.split('.').reduce((v, k) => (v == null ? v : v[k]), o);

/** Creates an element with text or children: el('td', {className: 'num'}, '12'). */
export function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  for (const c of children) node.append(c instanceof Node ? c : String(c ?? ''));
  return node;
}
