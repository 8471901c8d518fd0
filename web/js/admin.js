// The operator's console (/admin): create an event, switch its waiting room and caps, and watch the on-sale live.
// Everything here is an admin route of the API or a public figure; the panel polls the room's stats and the event's
// on-sale figures (seats by state, 429s by rule) every POLL_MS.

import { call, session } from './api.js';

const POLL_MS = 2000;
/** The charts keep this many minutes of the panel's own readings. */
const CHART_MINUTES = 10;

const $ = (selector, root = document) => root.querySelector(selector);

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;',
  "'": '&#39;' }[ch]));

function field(label, input) {
  return '<label><span>' + label + '</span>' + input + '</label>';
}

/** ISO-8601 with the browser's offset from a datetime-local value, or null when empty. */
function isoFromLocal(value) {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function sectionRow(index, values = {}) {
  return `<tr>
    <td><input aria-label="Section ${index} name" name="name" required maxlength="64" value="${values.name || ''}"></td>
    <td><input aria-label="Section ${index} rows" name="rows" type="number" min="1" required value="${values.rows || 10}"></td>
    <td><input aria-label="Section ${index} seats per row" name="seats_per_row" type="number" min="1" required value="${values.seats_per_row || 20}"></td>
    <td><input aria-label="Section ${index} price" name="price" type="number" min="0" step="0.01" required value="${values.price || 50}"></td>
    <td><button type="button" class="remove" aria-label="Remove section ${index}">✕</button></td>
  </tr>`;
}

/**
 * A small line chart of one series over the panel's readings (the last CHART_MINUTES at most, a minute at least),
 * with its peak in the caption and its reading in the label a screen reader reads.
 */
function sparkline(svg, points, label) {
  const width = 240;
  const height = 56;
  svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
  svg.setAttribute('preserveAspectRatio', 'none');
  const now = Date.now();
  const shown = points.filter((p) => p.t >= now - CHART_MINUTES * 60000);
  const since = Math.min(shown.length ? shown[0].t : now, now - 60000);
  const max = Math.max(1, ...shown.map((p) => p.v));
  const path = shown.map((p, i) => {
    const x = ((p.t - since) / (now - since)) * width;
    const y = height - 3 - (p.v / max) * (height - 6);
    return (i === 0 ? 'M' : 'L') + x.toFixed(1) + ' ' + y.toFixed(1);
  }).join(' ');
  svg.innerHTML = '<path d="' + path + '" fill="none" stroke="#0757b8" stroke-width="2" vector-effect="non-scaling-stroke"></path>';
  const latest = shown.length ? shown[shown.length - 1].v : null;
  svg.setAttribute('aria-label', label + ' over the last ' + CHART_MINUTES + ' minutes, now ' + (latest === null
      ? 'unknown' : latest.toLocaleString()) + ', at most ' + max.toLocaleString());
  svg.closest('figure').querySelector('.chart-max').textContent = 'now ' + (latest === null ? '–' : latest.toLocaleString())
      + ' · peak ' + max.toLocaleString();
}

export async function adminView(view, tell) {
  document.title = 'Operator console · onsale';
  const s = session();
  view.innerHTML = `<h1>Operator console</h1><p id="notice" class="notice" hidden></p>
    <div class="console">
      <section class="card" aria-labelledby="create-title">
        <h2 id="create-title">Create an event</h2>
        <form id="create" class="form wide">
          ${field('Name', '<input name="name" required maxlength="200">')}
          ${field('Venue', '<input name="venue" required maxlength="200">')}
          ${field('Starts at', '<input name="starts_at" type="datetime-local" required>')}
          ${field('On sale from (empty: now)', '<input name="on_sale_at" type="datetime-local">')}
          ${field('Off sale at (empty: never)', '<input name="off_sale_at" type="datetime-local">')}
          <table class="sections-table"><caption>Sections</caption>
            <thead><tr><th>Name</th><th>Rows</th><th>Seats per row</th><th>Price</th><th></th></tr></thead>
            <tbody id="section-rows">${sectionRow(1, { name: 'Floor', rows: 10, seats_per_row: 20, price: 80 })}</tbody>
          </table>
          <button type="button" id="add-section">Add a section</button>
          <label class="check"><input type="checkbox" name="room" id="room-on-create"> Waiting room on from the start</label>
          <div class="inline">
            ${field('Max concurrent', '<input name="room_max" type="number" min="1" value="100">')}
            ${field('Session (s)', '<input name="room_session" type="number" min="60" value="300">')}
          </div>
          <button type="submit" class="primary">Create event</button>
        </form>
      </section>
      <section class="card" aria-labelledby="live-title">
        <h2 id="live-title">Live on-sale</h2>
        <label class="pick">Event <select id="event-pick"></select></label>
        <form id="room" class="form wide">
          <div class="inline">
            ${field('Max concurrent', '<input name="max_concurrent" type="number" min="1" value="100">')}
            ${field('Session (s)', '<input name="session_duration" type="number" min="60" value="300">')}
            ${field('Admit per minute (0: no cap)', '<input name="admit_per_minute" type="number" min="0" value="0">')}
            ${field('Pre-queue opens (optional)', '<input name="pre_queue_opens_at" type="datetime-local">')}
          </div>
          <div class="inline">
            <button type="submit" class="primary" id="room-enable">Switch the room on / apply</button>
            <button type="button" id="room-disable">Switch the room off</button>
          </div>
        </form>
        <p id="room-state" class="meta" role="status"></p>
        <dl class="figures" id="figures"></dl>
        <div class="charts" id="charts"></div>
      </section>
    </div>`;
  if (!s) {
    tell('Sign in as an operator first.', 'error');
    return () => {};
  }

  // ---- create ----
  let sections = 1;
  $('#add-section').addEventListener('click', () => {
    sections++;
    $('#section-rows').insertAdjacentHTML('beforeend', sectionRow(sections, { name: 'Section ' + sections }));
  });
  $('#section-rows').addEventListener('click', (e) => {
    if (e.target.classList.contains('remove') && $('#section-rows').children.length > 1) e.target.closest('tr').remove();
  });
  $('#create').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    const body = {
      name: form.get('name').trim(),
      venue: form.get('venue').trim(),
      starts_at: isoFromLocal(form.get('starts_at')),
      sections: [...$('#section-rows').children].map((row) => ({
        name: $('[name=name]', row).value.trim(),
        rows: Number($('[name=rows]', row).value),
        seats_per_row: Number($('[name=seats_per_row]', row).value),
        price: Number($('[name=price]', row).value),
      })),
    };
    const onSale = isoFromLocal(form.get('on_sale_at'));
    const offSale = isoFromLocal(form.get('off_sale_at'));
    if (onSale) body.on_sale_at = onSale;
    if (offSale) body.off_sale_at = offSale;
    if (form.get('room')) {
      body.waiting_room = { max_concurrent: Number(form.get('room_max')), session_duration: Number(form.get('room_session')) };
    }
    const reply = await call('/api/v1/events', { method: 'POST', body });
    if (reply.status === 201) {
      tell('Created event ' + reply.body.id + ': ' + reply.body.name + ' (' + reply.body.total_seats.toLocaleString()
          + ' seats).', 'ok');
      await loadEvents(reply.body.id);
    } else {
      tell('Not created: ' + (reply.detail || reply.status) + '.', 'error');
    }
  });

  // ---- the event watched ----
  let eventId = null;
  const series = { queue: [], admittedPerMinute: [], active: [], sold: [], refused: [] };
  const loadEvents = async (select) => {
    const reply = await call('/api/v1/events?limit=100');
    if (!reply.ok) {
      tell('The events could not be loaded: ' + (reply.detail || reply.status) + '.', 'error');
      return;
    }
    const pick = $('#event-pick');
    pick.replaceChildren();
    for (const e of reply.body.events) {
      const option = document.createElement('option');
      option.value = e.id;
      option.textContent = e.id + ' · ' + e.name;
      pick.appendChild(option);
    }
    if (select) pick.value = String(select);
    watch(pick.value);
  };
  const watch = (id) => {
    eventId = id || null;
    for (const key of Object.keys(series)) series[key] = [];
    poll();
  };
  $('#event-pick').addEventListener('change', (e) => watch(e.target.value));

  $('#room').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!eventId) return;
    const form = new FormData(e.target);
    const query = new URLSearchParams({ max_concurrent: form.get('max_concurrent'), session_duration: form.get('session_duration'),
      admit_per_minute: form.get('admit_per_minute') });
    const preQueue = isoFromLocal(form.get('pre_queue_opens_at'));
    if (preQueue) query.set('pre_queue_opens_at', preQueue);
    const reply = await call('/api/v1/events/' + eventId + '/waiting-room/enable?' + query, { method: 'POST' });
    tell(reply.ok ? 'Waiting room on: ' + reply.body.max_concurrent_users + ' at once, sessions of '
        + reply.body.session_duration_seconds + ' s' + (reply.body.admit_per_minute ? ', ' + reply.body.admit_per_minute
        + ' admitted per minute at most' : '') + '.' : 'Not switched: ' + (reply.detail || reply.status) + '.', reply.ok ? 'ok' : 'error');
    poll();
  });
  $('#room-disable').addEventListener('click', async () => {
    if (!eventId) return;
    const reply = await call('/api/v1/events/' + eventId + '/waiting-room/disable', { method: 'POST' });
    tell(reply.ok ? 'Waiting room off: everyone goes straight to the seats.' : 'Not switched: ' + (reply.detail || reply.status) + '.',
        reply.ok ? 'ok' : 'error');
    poll();
  });

  let timer = null;
  let stopped = false;
  const figure = (label, value, id) => '<div><dt>' + label + '</dt><dd id="' + id + '">' + value + '</dd></div>';
  const poll = async () => {
    clearTimeout(timer);
    if (stopped || !eventId) return;
    const now = Date.now();
    const [stats, onSale] = await Promise.all([
      call('/api/v1/events/' + eventId + '/waiting-room/stats'),
      call('/api/v1/events/' + eventId + '/on-sale?minutes=' + CHART_MINUTES),
    ]);
    if (stopped) return;
    const figures = [];
    if (stats.ok) {
      const st = stats.body;
      $('#room-state').textContent = st.enabled
        ? 'The room is on: ' + st.max_concurrent + ' at once' + (st.admit_per_minute ? ', ' + st.admit_per_minute + ' per minute' : '')
          + (st.opens_at ? ', opens ' + new Date(st.opens_at).toLocaleString() : '') + '.'
        : 'The room is off.';
      figures.push(figure('In the queue', st.queue_size.toLocaleString(), 'fig-queue'),
          figure('Admitted per minute', (st.admitted_last_minute ?? st.admissions_per_minute ?? 0).toLocaleString(), 'fig-admitted'),
          figure('Active sessions', st.active_sessions.toLocaleString(), 'fig-active'),
          figure('Awaiting their turn', (st.awaiting_claim ?? 0).toLocaleString(), 'fig-awaiting'),
          figure('Abandoned', (st.abandoned ?? 0).toLocaleString(), 'fig-abandoned'),
          figure('Wait p50 / p95', (st.wait_p50_seconds ?? '–') + ' / ' + (st.wait_p95_seconds ?? '–') + ' s', 'fig-wait'),
          figure('Pre-queue', (st.pre_queue_size ?? 0).toLocaleString(), 'fig-prequeue'),
          figure('Codes redeemed', (st.codes_redeemed ?? 0).toLocaleString(), 'fig-codes'));
      series.queue.push({ t: now, v: st.queue_size });
      series.admittedPerMinute.push({ t: now, v: st.admitted_last_minute ?? 0 });
      series.active.push({ t: now, v: st.active_sessions });
    }
    if (onSale.ok) {
      const { seats, refusals } = onSale.body;
      const lastMinute = refusals.per_minute.length ? refusals.per_minute[refusals.per_minute.length - 1].by_rule : {};
      const sum = (byRule) => Object.values(byRule).reduce((a, b) => a + b, 0);
      const rules = Object.entries(refusals.by_rule).sort((a, b) => b[1] - a[1]);
      figures.push(figure('Seats available', seats.available.toLocaleString(), 'fig-available'),
          figure('Held', seats.held.toLocaleString(), 'fig-held'), figure('Sold', seats.sold.toLocaleString(), 'fig-sold'),
          figure('429s this minute', sum(lastMinute).toLocaleString(), 'fig-429'));
      figures.push('<div class="wide-figure"><dt>429s by rule, last ' + refusals.minutes + ' minutes</dt><dd id="fig-429-rules">'
          + (rules.length ? rules.map(([rule, n]) => escapeHtml(rule) + ' ' + n.toLocaleString()).join(' · ') : 'none') + '</dd></div>');
      series.sold.push({ t: now, v: seats.sold });
      series.refused = refusals.per_minute.map((m) => ({ t: Date.parse(m.minute), v: sum(m.by_rule) }));
    }
    $('#figures').innerHTML = figures.join('');
    const charts = $('#charts');
    if (!charts.children.length) {
      charts.innerHTML = [['queue', 'Queue size'], ['admittedPerMinute', 'Admitted per minute'], ['active', 'Active sessions'],
        ['sold', 'Seats sold'], ['refused', '429s per minute']].map(([key, label]) => '<figure><figcaption><span class="chart-name">' + label
        + '</span> <span class="chart-max"></span></figcaption><svg role="img" data-series="' + key + '"></svg></figure>').join('');
    }
    for (const svg of charts.querySelectorAll('svg')) {
      sparkline(svg, series[svg.dataset.series], svg.closest('figure').querySelector('.chart-name').textContent);
    }
    if (stats.status === 429) {
      timer = setTimeout(poll, Math.max(stats.retryAfter || 0, 2) * 1000);
      return;
    }
    timer = setTimeout(poll, POLL_MS);
  };

  await loadEvents();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
