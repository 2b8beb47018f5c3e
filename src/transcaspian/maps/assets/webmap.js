/* transcaspian interactive map: layer toggles per mode and commodity, and
 * decluttering of node names and stranded-volume callouts.
 *
 * Inlined into the page by transcaspian.maps.interactive (this comment is left out).
 * The __TC_*__ names are filled in by the page builder, each with JavaScript
 * literals (data texts only as escaped string literals):
 *   __TC_MAP__          the Leaflet map variable
 *   __TC_HOLDER__       the feature group that holds every link line
 *   __TC_LINKS__        {layer, mode, commodities} per link line
 *   __TC_MODES__        "mode": feature group of its toggle
 *   __TC_COMMODITIES__  "commodity": feature group of its toggle
 *   __TC_NAMES__        {marker, priority} per node name label
 *   __TC_CALLOUTS__     {marker, volume} per stranded-volume callout
 */
(function() {
  var map = __TC_MAP__, holder = __TC_HOLDER__;
  var links = [__TC_LINKS__];
  var modes = {__TC_MODES__}, commodities = {__TC_COMMODITIES__};
  function on(groups, key) { return !(key in groups) || map.hasLayer(groups[key]); }
  function sync() {
    links.forEach(function(l) {
      var show = on(modes, l.mode) && l.commodities.some(function(c) { return on(commodities, c); });
      if (show && !holder.hasLayer(l.layer)) holder.addLayer(l.layer);
      if (!show && holder.hasLayer(l.layer)) holder.removeLayer(l.layer);
    });
  }
  map.on('overlayadd overlayremove', sync);
  sync();
  // Declutter node names: by priority, hide a name whose box overlaps one already shown.
  var names = [__TC_NAMES__].sort(function(a, b) { return b.priority - a.priority; });
  var callouts = [__TC_CALLOUTS__].sort(function(a, b) { return b.volume - a.volume; });
  function declutter() {
    var taken = Array.from(document.querySelectorAll('.leaflet-marker-icon .tc-pct')).map(function(el) { return el.getBoundingClientRect(); });
    function free(r) {
      return taken.every(function(t) { return r.right <= t.left || r.left >= t.right || r.bottom <= t.top || r.top >= t.bottom; });
    }
    function place(n) {
      var el = n.marker.getElement();
      if (!el || !map.hasLayer(n.marker)) return;
      var inner = el.firstElementChild || el;
      inner.style.visibility = 'visible';
      var r = inner.getBoundingClientRect();
      if (n.priority >= 500 || free(r)) { taken.push(r); } else { inner.style.visibility = 'hidden'; }
    }
    // names of disabled or derated elements always show, placed first
    names.filter(function(n) { return n.priority >= 500; }).forEach(place);
    // then stranded-volume boxes: above right, below right, above left, below left, further out
    callouts.forEach(function(c) {
      var el = c.marker.getElement();
      if (!el || !map.hasLayer(c.marker)) return;
      var box = el.firstElementChild || el;
      box.style.transform = '';
      var r0 = box.getBoundingClientRect(), w = r0.width + 24, h = r0.height + 16;
      var moves = [[0, 0], [0, h], [-w, 0], [-w, h], [0, -h], [0, 2 * h], [-w, -h], [-w, 2 * h], [w / 2, -h], [w / 2, 2 * h]];
      var best = moves[0];
      for (var i = 0; i < moves.length; i++) {
        var m = moves[i];
        var r = {left: r0.left + m[0], right: r0.right + m[0], top: r0.top + m[1], bottom: r0.bottom + m[1]};
        if (free(r)) { best = m; break; }
      }
      box.style.transform = 'translate(' + best[0] + 'px,' + best[1] + 'px)';
      taken.push(box.getBoundingClientRect());
    });
    names.filter(function(n) { return n.priority < 500; }).forEach(place);
  }
  map.on('zoomend overlayadd overlayremove', declutter);
  declutter();
  window.transcaspianMap = {map: map, links: links, modes: modes, commodities: commodities, names: names, callouts: callouts, sync: sync, declutter: declutter};
})();
