"""Scripts and styles of the chat window's HTML components.

Each ``gr.HTML`` gets its own ``js_on_load`` (run once, with ``element``, ``trigger`` and
``watch``) and a ``css_template`` that Gradio scopes to the component, so the window works
however the Blocks are launched. The scripts only read ``data-*`` attributes and set
``textContent``: nothing from the corpus is ever inserted as HTML here.
"""

from __future__ import annotations

# The viewer also listens, at the document level, for clicks on the answers' [n] links
# (``#cite-<turn>-<n>``) in the Chatbot, and turns them into its own "click" event.
VIEWER_JS = r"""
window.lettersOpenCitation = (key) => trigger('click', {cite: key});
if (!window.lettersCiteListener) {  // once per page, even if the viewer is mounted again
  window.lettersCiteListener = true;
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a[href^="#cite-"]');
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    window.lettersOpenCitation(link.getAttribute('href').slice(6));
  }, true);
}

const scrollToTarget = () => {
  const target = element.querySelector('.scroll-target');
  if (target) target.scrollIntoView({block: 'center', behavior: 'instant'});
  else { const top = element.querySelector('.doc-viewer'); if (top) top.scrollIntoView({block: 'start'}); }
};
watch('value', () => requestAnimationFrame(scrollToTarget));

element.addEventListener('click', (event) => {
  const marker = event.target.closest('a[data-note]');
  const back = event.target.closest('a.note-back');
  if (back) {
    event.preventDefault();
    const ref = element.querySelector('#dv-ref-' + back.dataset.ref);
    if (ref) ref.scrollIntoView({block: 'center'});
    return;
  }
  if (!marker) return;
  event.preventDefault();
  const n = marker.dataset.note;
  const paragraph = marker.closest('p');
  const open = element.querySelector('.note-pop');
  if (open) open.remove();
  element.querySelectorAll('li.note.shown').forEach((li) => li.classList.remove('shown'));
  if (open && open.dataset.note === n) return;  // a second click closes the note
  const note = element.querySelector('#dv-note-' + n);
  if (!note || !paragraph) return;
  note.classList.add('shown');
  const pop = document.createElement('div');
  pop.className = 'note-pop';
  pop.dataset.note = n;
  const label = document.createElement('b');
  label.textContent = 'Note ' + n + '. ';
  const text = document.createElement('span');
  text.textContent = note.querySelector('.note-text').textContent;
  const link = document.createElement('a');
  link.href = '#dv-note-' + n;
  link.className = 'note-goto';
  link.textContent = ' (in the notes ↓)';
  link.addEventListener('click', (e) => { e.preventDefault(); e.stopPropagation(); note.scrollIntoView({block: 'center'}); });
  pop.append(label, text, link);
  paragraph.after(pop);
});
"""

SOURCES_JS = r"""
const copyText = async (text) => {
  try { await navigator.clipboard.writeText(text); return true; } catch (e) {
    const area = document.createElement('textarea');
    area.value = text; document.body.appendChild(area); area.select();
    const ok = document.execCommand('copy'); area.remove(); return ok;
  }
};
const open = (card) => trigger('click', {cite: card.dataset.cite});
element.addEventListener('click', async (event) => {
  if (event.target.closest('select.src-format')) { event.stopPropagation(); return; }
  const copy = event.target.closest('button.src-copy');
  if (copy) {
    event.stopPropagation();
    const format = copy.parentElement.querySelector('select.src-format');
    const ok = await copyText(copy.dataset[format ? format.value : 'ref'] || copy.dataset.ref);
    copy.textContent = ok ? 'Copied ✓' : 'Copy failed';
    setTimeout(() => { copy.textContent = 'Copy reference'; }, 1500);
    return;
  }
  const card = event.target.closest('.src-card');
  if (card) open(card);
});
element.addEventListener('keydown', (event) => {
  const card = event.target.closest('.src-card');
  if (event.target.closest('select.src-format, button.src-copy')) return;
  if (card && (event.key === 'Enter' || event.key === ' ')) { event.preventDefault(); open(card); }
});
"""

BROWSE_JS = r"""
const open = (row) => {
  element.querySelectorAll('tr.doc-row.open').forEach((r) => r.classList.remove('open'));
  row.classList.add('open');
  trigger('click', {doc: row.dataset.doc});
};
element.addEventListener('click', (event) => {
  const row = event.target.closest('tr.doc-row');
  if (row) open(row);
});
element.addEventListener('keydown', (event) => {
  const row = event.target.closest('tr.doc-row');
  if (row && event.key === 'Enter') open(row);
});
"""

SOURCES_CSS = """
.src-panel { font-size: 0.92em; }
.src-panel.empty, .src-question { color: var(--body-text-color-subdued); margin-bottom: 6px; }
.src-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px;
  margin: 6px 0; cursor: pointer; background: var(--background-fill-primary); }
.src-card:hover, .src-card:focus { border-color: var(--color-accent); outline: none; }
.src-card.selected { border: 2px solid var(--color-accent); background: var(--background-fill-secondary); }
.src-head { font-weight: 600; }
.src-n { color: var(--color-accent); margin-right: 4px; }
.src-meta { color: var(--body-text-color-subdued); font-size: 0.92em; margin: 2px 0; }
.src-quote { margin: 4px 0; padding: 2px 8px; border-left: 3px solid #d9b44a; font-style: italic; }
.src-foot { display: flex; justify-content: space-between; align-items: center; font-size: 0.9em; }
.src-ok { color: #227a3b; } .src-warn { color: #a5520a; }
.src-copy { border: 1px solid var(--border-color-primary); border-radius: 4px; padding: 1px 8px;
  background: var(--button-secondary-background-fill); cursor: pointer; font-size: 0.9em; }
.src-format { margin-left: auto; margin-right: 6px; font-size: 0.85em; padding: 0 4px; }
.state { border-radius: 6px; padding: 8px 10px; margin: 6px 0; background: #fdf6e3;
  border: 1px solid #e8d9a8; }
"""

VIEWER_CSS = """
.doc-viewer { font-family: Georgia, 'Times New Roman', serif; line-height: 1.55; padding: 4px 10px; }
.doc-viewer.empty { font-family: inherit; color: var(--body-text-color-subdued); }
.doc-head h2 { margin: 4px 0 6px; font-size: 1.25em; }
.doc-head .editorial { font-size: 0.7em; color: var(--body-text-color-subdued); font-weight: normal; }
.doc-head dl { display: grid; grid-template-columns: max-content 1fr; gap: 1px 12px; margin: 0 0 8px;
  font-family: var(--font); font-size: 0.85em; }
.doc-head dt { color: var(--body-text-color-subdued); } .doc-head dd { margin: 0; }
.doc-bar { position: sticky; top: -14px; z-index: 2; font-family: var(--font); font-size: 0.85em;
  background: var(--background-fill-secondary); border-bottom: 1px solid var(--border-color-primary);
  padding: 14px 8px 3px; margin: -14px -10px 4px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.para { margin: 0 0 0.7em; position: relative; }
.para.cited { background: #fff8dc; box-shadow: -6px 0 0 #e0b400; color: #1a1a1a; }
mark.quote { background: #ffe066; color: #111; padding: 0 1px; }
.page-no { float: right; font-family: var(--font); font-size: 0.75em; color: var(--body-text-color-subdued);
  margin-left: 8px; }
sup.marker a { color: #1d5fbf; text-decoration: none; font-weight: 600; padding: 0 2px; cursor: pointer; }
sup.marker.cited a { background: #ffe066; color: #111; border-radius: 3px; }
.note-pop { font-size: 0.9em; background: var(--background-fill-secondary); border-left: 3px solid #1d5fbf;
  padding: 4px 8px; margin: -0.4em 0 0.8em; }
.doc-notes { border-top: 1px solid var(--border-color-primary); margin-top: 1em; font-size: 0.9em; }
.doc-notes h3 { font-size: 1em; margin: 6px 0; }
.doc-notes ol { list-style: none; padding-left: 0; }
.note { margin: 0 0 0.5em; padding: 2px 6px; border-radius: 4px; }
.note.cited { background: #fff3c4; box-shadow: -6px 0 0 #e0b400; color: #1a1a1a; }
.note.shown { outline: 2px solid #1d5fbf; }
.note-n { font-weight: 600; } .note-page { color: var(--body-text-color-subdued); font-size: 0.85em; }
.note-back { text-decoration: none; }
"""

BROWSE_CSS = """
.browse-count { color: var(--body-text-color-subdued); margin: 4px 0; }
.browse-table { width: 100%; border-collapse: collapse; font-size: 0.9em; }
.browse-table th { text-align: left; border-bottom: 2px solid var(--border-color-primary); padding: 4px; }
.browse-table td { border-bottom: 1px solid var(--border-color-primary); padding: 4px; vertical-align: top; }
.browse-table .num { text-align: right; } .browse-table .nowrap { white-space: nowrap; }
tr.doc-row { cursor: pointer; } tr.doc-row:hover, tr.doc-row:focus { background: var(--background-fill-secondary); }
tr.doc-row.open { background: #fff3c4; color: #111; }
"""

STATUS_CSS = """
.state { border-radius: 6px; padding: 8px 12px; margin: 4px 0; border: 1px solid #e0a0a0; background: #fdecec;
  color: #3a1010; }
.state-cmd { background: #222; color: #f4f4f4; padding: 6px 10px; border-radius: 4px; margin: 6px 0 0; }
.state-cmd code { color: #f4f4f4; background: transparent; font-size: 1em; }
.state-after { margin: 4px 0; }
"""
