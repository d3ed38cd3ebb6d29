// Every data table's columns and the table filters, measured where a reader sees them: problems as text.
() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > width + 1) out.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
  for (const t of document.querySelectorAll('table.data-table__table')) {
    if (!t.offsetParent) continue;  // in a closed tab or details: measured where it shows
    const box = t.parentElement.getBoundingClientRect();
    const name = t.id || (t.caption && t.caption.textContent.trim()) || 'a table';
    if (t.scrollWidth > t.parentElement.clientWidth + 1) out.push(`${name}: ${t.scrollWidth} px wide in ${t.parentElement.clientWidth}`);
    for (const cell of t.querySelectorAll('thead th, tbody tr:first-child > *')) {
      const r = cell.getBoundingClientRect();
      if (r.width < 1 || r.right > Math.min(box.right, width) + 1) out.push(`${name}: "${cell.textContent.trim().slice(0, 30)}" is cut off (right ${Math.round(r.right)} > ${Math.round(Math.min(box.right, width))})`);
    }
  }
  for (const el of document.querySelectorAll('.table-filters select, .table-filters label')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1) out.push(`filter "${el.textContent.trim().slice(0, 20)}" is off screen (right ${Math.round(r.right)} > ${width})`);
  }
  return out;
}
