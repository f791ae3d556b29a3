// A table over one of the API's paged lists. Paging, name search and sorting happen on the
// server (page, name, use_regex, sort, sort_reverse): the page holds at most one page of
// rows however long the list is, and rows are rebuilt in one pass per load.
import { getPage } from './api.js';
import { showError } from './errors.js';
import { count, el } from './format.js';

const PAGE_SIZES = [20, 50, 100, 500];

export class PagedTable {
  /**
   * @param root      an element to build the table in
   * @param options   {label, noun, path: () => string, columns: [{label, sort, value(item), numeric}],
   *                   sort, reverse, pageSize}
   */
  constructor(root, { label, noun, path, columns, sort = 'name', reverse = false, pageSize = 20 }) {
    Object.assign(this, { root, label, noun, path, columns });
    this.state = { page: 1, pageSize, name: '', regex: false, sort, reverse };
    this.seq = 0;
    this.loading = null;
    this.build();
  }

  build() {
    const id = this.root.id;
    this.search = el('input', { type: 'search', id: `${id}-search`, autocomplete: 'off' });
    this.regex = el('input', { type: 'checkbox', id: `${id}-regex` });
    this.size = el('select', { id: `${id}-size` }, ...PAGE_SIZES.map((n) => el('option', { value: n }, n)));
    this.size.value = String(this.state.pageSize);
    let debounce;
    this.search.addEventListener('input', () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => this.update({ name: this.search.value.trim(), page: 1 }), 250);
    });
    this.regex.addEventListener('change', () => this.update({ regex: this.regex.checked, page: 1 }));
    this.size.addEventListener('change', () => this.update({ pageSize: Number(this.size.value), page: 1 }));

    this.headRow = el('tr');
    this.body = el('tbody');
    this.table = el('table', { className: 'data' }, el('caption', {}, this.label), el('thead', {}, this.headRow),
      this.body);
    this.table.setAttribute('aria-busy', 'true');
    this.prev = el('button', { type: 'button' }, 'Previous page');
    this.next = el('button', { type: 'button' }, 'Next page');
    this.prev.addEventListener('click', () => this.update({ page: this.state.page - 1 }));
    this.next.addEventListener('click', () => this.update({ page: this.state.page + 1 }));
    this.info = el('span', { className: 'page-info' });
    this.info.setAttribute('role', 'status');

    this.root.replaceChildren(
      el('div', { className: 'table-tools' },
        el('label', { htmlFor: this.search.id }, `Search ${this.noun} by name`), this.search,
        el('label', { className: 'inline' }, this.regex, ' Regular expression'),
        el('label', { htmlFor: this.size.id }, 'Rows per page'), this.size),
      el('div', { className: 'table-scroll' }, this.table),
      el('div', { className: 'pager' }, this.prev, this.info, this.next));
    this.renderHead();
  }

  renderHead() {
    const { sort, reverse } = this.state;
    this.headRow.replaceChildren(...this.columns.map((c) => {
      const th = el('th', { scope: 'col', className: c.numeric ? 'num' : '' });
      if (!c.sort) {
        th.textContent = c.label;
        return th;
      }
      const active = c.sort === sort;
      th.setAttribute('aria-sort', active ? (reverse ? 'descending' : 'ascending') : 'none');
      const button = el('button', { type: 'button', className: 'sort' }, c.label,
        el('span', { className: 'arrow' }, active ? (reverse ? ' ▼' : ' ▲') : ''));
      button.title = `Sort by ${c.label}`;
      button.addEventListener('click', () => this.update({
        sort: c.sort, reverse: active ? !reverse : Boolean(c.numeric), page: 1,
      }));
      th.append(button);
      return th;
    }));
  }

  update(change) {
    Object.assign(this.state, change);
    this.renderHead();
    return this.load();
  }

  /** Fetches the current page; a newer load supersedes an older one still in flight. */
  async load() {
    const seq = ++this.seq;
    this.abort?.abort();
    this.abort = new AbortController();
    this.table.setAttribute('aria-busy', 'true');
    const started = performance.now();
    const loading = (async () => {
      try {
        const page = await getPage(this.path(), this.state, { signal: this.abort.signal });
        if (seq === this.seq) this.render(page, performance.now() - started);
      } catch (e) {
        if (e.name === 'AbortError' || seq !== this.seq) return;
        if (e.code === 'invalid_argument' && this.state.page > 1) {
          // The list shrank under the current page: show its first page instead.
          this.state.page = 1;
          await this.load();
          return;
        }
        showError(`Loading ${this.noun} failed`, e);
      } finally {
        if (seq === this.seq) this.table.setAttribute('aria-busy', 'false');
      }
    })();
    this.loading = loading;
    await loading;
    if (this.loading === loading) this.loading = null;
  }

  render(page, millis) {
    const rows = document.createDocumentFragment();
    for (const item of page.items) {
      const tr = document.createElement('tr');
      for (const c of this.columns) {
        const td = document.createElement('td');
        if (c.numeric) td.className = 'num';
        const v = c.value(item);
        if (v instanceof Node) td.append(v);
        else td.textContent = v ?? '';
        tr.append(td);
      }
      rows.append(tr);
    }
    if (!page.items.length) {
      rows.append(el('tr', {}, el('td', { colSpan: this.columns.length, className: 'empty' },
        page.total_count ? `No ${this.noun} match.` : `No ${this.noun} yet.`)));
    }
    this.body.replaceChildren(rows);
    this.state.page = page.page;
    this.prev.disabled = page.page <= 1;
    this.next.disabled = page.page >= page.page_count;
    const of = page.filtered_count === page.total_count ? '' : ` of ${count(page.total_count)}`;
    this.info.textContent = `Page ${page.page} of ${page.page_count} · ${count(page.filtered_count)}${of} ${this.noun}`;
    this.table.dataset.loadMillis = Math.round(millis);
    this.table.dataset.rows = page.items.length;
  }

  /** Reloads unless a load is already in flight (for periodic refreshes). */
  refresh() {
    return this.loading ?? this.load();
  }
}
