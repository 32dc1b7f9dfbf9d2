// Measures the laid-out page (run by HtmlLayoutTest inside a copy of the report, in headless Chromium)
// and writes what it found into a pre element with the id layout-probe: a first line of counts, then one line per fault.
(function () {
  var faults = [];
  var slack = 0.5; // sub-pixel rounding
  var vw = document.documentElement.clientWidth;
  function name(n) {
    if (n.nodeType === 3) return 'text "' + n.textContent.trim().slice(0, 50) + '"';
    return n.tagName.toLowerCase() + (n.getAttribute('class') ? '.' + n.getAttribute('class').replace(/ /g, '.') : '');
  }
  function rects(n) {
    if (n.nodeType === 3) { var r = document.createRange(); r.selectNodeContents(n); return Array.prototype.slice.call(r.getClientRects()); }
    return [n.getBoundingClientRect()];
  }
  function visible(r) { return r.width > 0 && r.height > 0; }
  function hit(a, b) { return a.left < b.right - slack && b.left < a.right - slack && a.top < b.bottom - slack && b.top < a.bottom - slack; }
  // Every element and text box inside container stays within its left and right edges.
  function within(container, label) {
    var c = container.getBoundingClientRect();
    if (c.right > vw + slack) faults.push(label + ' ends at ' + c.right.toFixed(1) + ', past the viewport ' + vw);
    if (container.scrollWidth !== undefined && container.scrollWidth > container.clientWidth) {
      faults.push(label + ' scrolls sideways: ' + container.scrollWidth + ' > ' + container.clientWidth);
    }
    // Tooltips (<title>) are not laid out.
    var walker = document.createTreeWalker(container, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) { return n.nodeType === 1 && n.tagName.toLowerCase() === 'title' ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT; }
    });
    for (var n = walker.nextNode(); n; n = walker.nextNode()) {
      rects(n).filter(visible).forEach(function (r) {
        if (r.right > c.right + slack || r.left < c.left - slack) {
          faults.push(label + ': ' + name(n) + ' spans ' + r.left.toFixed(1) + '..' + r.right.toFixed(1)
              + ', outside ' + c.left.toFixed(1) + '..' + c.right.toFixed(1));
        }
      });
    }
  }
  if (document.documentElement.scrollWidth > vw) faults.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + vw);
  var cards = document.querySelectorAll('.card');
  var panels = document.querySelectorAll('.panel');
  var svgs = document.querySelectorAll('svg');
  cards.forEach(function (e, i) { within(e, 'card ' + i); });
  panels.forEach(function (e, i) { within(e, 'panel ' + i); });
  svgs.forEach(function (e, i) { within(e, 'svg ' + i); });
  var labels = 0, bars = 0;
  document.querySelectorAll('svg.hist').forEach(function (svg, k) {
    var ls = Array.prototype.map.call(svg.querySelectorAll('text.pct-label'), function (t) { return t.getBoundingClientRect(); });
    var bs = Array.prototype.map.call(svg.querySelectorAll('rect.bar'), function (t) { return t.getBoundingClientRect(); });
    labels += ls.length; bars += bs.length;
    ls.forEach(function (l, i) {
      bs.forEach(function (b, j) { if (hit(l, b)) faults.push('histogram ' + k + ': label ' + i + ' overlaps bar ' + j); });
      ls.forEach(function (m, j) { if (j > i && hit(l, m)) faults.push('histogram ' + k + ': labels ' + i + ' and ' + j + ' overlap'); });
    });
  });
  var out = document.createElement('pre');
  out.id = 'layout-probe';
  out.textContent = ['viewport=' + vw + ' cards=' + cards.length + ' panels=' + panels.length + ' svgs=' + svgs.length
      + ' labels=' + labels + ' bars=' + bars].concat(faults).join('\n');
  document.body.appendChild(out);
})();
