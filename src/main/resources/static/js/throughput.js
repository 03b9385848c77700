// The execution page's throughput chart (uPlot): the rate of each ended step (items read a second, at the
// step's end), then, while the execution runs, the rate measured between polls of its progress (1 s apart).
(function () {
  const el = document.getElementById('throughput');
  if (!el || typeof uPlot === 'undefined') {
    return;
  }
  const seed = JSON.parse(document.getElementById('step-rates').textContent || '[]');
  const xs = seed.map(p => p[0]);
  const ys = seed.map(p => p[1]);
  const plot = new uPlot({
    width: Math.min(900, el.clientWidth || 900), height: 200,
    series: [{}, {label: 'items/s', stroke: '#2a6f97', width: 2, points: {show: true}}],
    scales: {
      // one point alone would span years: show a minute around it
      x: {time: true, range: (u, min, max) => (min === max ? [min - 30, max + 30] : [min, max])},
      y: {range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1]},
    },
    // room for the y labels, shortened: 12k, 1.5M
    axes: [{}, {size: 60, values: (u, vals) => vals.map(v => (v >= 1e6 ? (v / 1e6).toFixed(1) + 'M' : v >= 1e3 ? Math.round(v / 1e3) + 'k' : String(v)))}],
  }, [xs, ys], el);
  let last = null;
  async function poll() {
    let progress;
    try {
      const response = await fetch(el.dataset.progress, {headers: {Accept: 'application/json'}});
      if (response.status === 404) {
        return; // purged meanwhile
      }
      if (!response.ok) {
        setTimeout(poll, 5000);
        return;
      }
      progress = await response.json();
    } catch (e) {
      setTimeout(poll, 5000); // the server is away for a moment: try again
      return;
    }
    const now = Date.now() / 1000;
    if (last && progress.step === last.step && now > last.t) {
      xs.push(now);
      ys.push(Math.max(0, (progress.read - last.read) / (now - last.t)));
      plot.setData([xs, ys]);
    }
    last = {t: now, read: progress.read, step: progress.step};
    if (['STARTING', 'STARTED', 'STOPPING'].includes(progress.status)) {
      setTimeout(poll, 1000);
    }
  }
  poll();
})();
