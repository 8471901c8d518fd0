// The fan's pages: the events (/), an event with its seat map (/events/{id}), the caller's bookings (/bookings) and
// the sign-in (/sign-in). One page, views chosen by the path; links are plain links, so every view has its address.

import { adoptFragmentToken, call, gatewayAuth, newIdempotencyKey, queuePage, session, signIn, signOut } from './api.js';
import { countStates, drawSeatMap, drawSectionOverview, money } from './seatmap.js';

const view = document.getElementById('view');
const $ = (selector, root = document) => root.querySelector(selector);

/** Sections of more seats than this open on an overview of the sections, then one section at a time. */
const OVERVIEW_ABOVE_SEATS = 2000;
/** The map refreshes itself this often (an unchanged map costs a 304), or later when the API asks to wait. */
const MAP_REFRESH_MS = 5000;

let stopView = () => {};

function html(strings, ...values) {
  const escape = (value) => String(value ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;',
    '"': '&quot;', "'": '&#39;' }[ch]));
  return strings.reduce((out, text, i) => out + text + (i < values.length ? escape(values[i]) : ''), '');
}

const when = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function seconds(total) {
  total = Math.max(0, Math.ceil(total));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m > 0 ? m + ':' + String(s).padStart(2, '0') : s + ' s';
}

/** A message in the page's status line, read out by screen readers (role=status / alert). */
function tell(text, kind = 'info') {
  const box = $('#notice');
  if (!box) return;
  box.className = 'notice ' + kind;
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  box.textContent = text;
  box.hidden = !text;
}

/** Counts down `seconds` in the notice, then calls done. Answers a function that stops it. */
function countdown(prefix, total, done, kind = 'warn') {
  const until = Date.now() + total * 1000;
  const tick = () => {
    const left = (until - Date.now()) / 1000;
    if (left <= 0) {
      clearInterval(timer);
      done();
      return;
    }
    tell(prefix + ' ' + seconds(left) + '.', kind);
  };
  const timer = setInterval(tick, 250);
  tick();
  return () => clearInterval(timer);
}

function header() {
  const s = session();
  const who = $('#who');
  who.replaceChildren();
  if (s) {
    const name = document.createElement('span');
    name.textContent = 'Signed in as ' + s.userId;
    const out = document.createElement('button');
    out.type = 'button';
    out.className = 'link';
    out.textContent = 'Sign out';
    out.addEventListener('click', () => { signOut(); go('/'); });
    who.append(name, ' · ', out);
  } else {
    const link = document.createElement('a');
    link.href = '/sign-in?next=' + encodeURIComponent(location.pathname + location.search);
    link.textContent = 'Sign in';
    who.append(link);
  }
}

function go(path) {
  history.pushState(null, '', path);
  route();
}

function needSignIn() {
  if (session()) return false;
  go('/sign-in?next=' + encodeURIComponent(location.pathname + location.search));
  return true;
}

// ---- events ----------------------------------------------------------------------------------------------------

async function eventsView() {
  document.title = 'Events · onsale';
  view.innerHTML = '<h1>Events</h1><p id="notice" class="notice" hidden></p><ul class="events" id="events"></ul>';
  const reply = await call('/api/v1/events?limit=50');
  if (!reply.ok) {
    tell('The events could not be loaded: ' + (reply.detail || reply.status) + '. Reload to try again.', 'error');
    return;
  }
  const list = $('#events');
  if (reply.body.events.length === 0) tell('No events yet.');
  const now = Date.now();
  for (const event of reply.body.events) {
    const opens = event.on_sale_at ? Date.parse(event.on_sale_at) : 0;
    const closes = event.off_sale_at ? Date.parse(event.off_sale_at) : Infinity;
    const sale = now < opens ? 'On sale ' + when(event.on_sale_at) : now >= closes ? 'Sale ended' : 'On sale now';
    const item = document.createElement('li');
    item.innerHTML = html`<a class="event-card" href="/events/${event.id}"><b>${event.name}</b>
      <span>${event.venue} · ${when(event.starts_at)}</span>
      <span class="sale">${sale} · ${event.total_seats.toLocaleString()} seats</span></a>`;
    list.appendChild(item);
  }
}

// ---- one event: pick, hold, confirm ----------------------------------------------------------------------------

async function eventView(eventId) {
  const reply = await call('/api/v1/events/' + eventId);
  if (!reply.ok) {
    view.innerHTML = html`<h1>Event not found</h1><p>${reply.detail || 'No such event.'}</p><p><a href="/">All events</a></p>`;
    return;
  }
  const event = reply.body;
  document.title = event.name + ' · onsale';
  const params = new URLSearchParams(location.search);
  const stadium = event.total_seats > OVERVIEW_ABOVE_SEATS && event.sections.length > 1;
  const sectionName = params.get('section');
  const section = sectionName ? event.sections.find((s) => s.name === sectionName) : null;
  view.innerHTML = html`
    <p class="crumbs"><a href="/">Events</a></p>
    <h1>${event.name}</h1>
    <p class="meta">${event.venue} · ${when(event.starts_at)}</p>
    <p id="notice" class="notice" hidden></p>
    <div class="event-layout">
      <section aria-labelledby="map-title" class="map-panel">
        <h2 id="map-title">${section ? 'Section ' + section.name : stadium ? 'Pick a section' : 'Pick your seats'}</h2>
        <ul class="legend" aria-label="Legend">
          <li><span class="swatch available"></span>Available</li>
          <li><span class="swatch picked"></span>Your pick</li>
          <li><span class="swatch held"></span>Held</li>
          <li><span class="swatch sold"></span>Sold</li>
        </ul>
        <p class="counts" id="counts"></p>
        <div id="map" class="map"></div>
      </section>
      <aside class="basket" aria-labelledby="basket-title">
        <h2 id="basket-title">Your seats</h2>
        <ul id="picked" class="picked-list"></ul>
        <p id="total" class="total"></p>
        <p id="hint" class="hint"></p>
        <div id="actions"></div>
      </aside>
    </div>`;
  if (stadium && section) {
    const crumbs = $('.crumbs');
    const back = document.createElement('a');
    back.href = '/events/' + eventId;
    back.textContent = event.name;
    crumbs.append(' › ', back);
  }
  if (needSignIn()) return;

  const picked = new Map(); // seat id -> seat
  let drawn = null;
  let etag = null;
  let marked = new Set();
  let refreshTimer = null;
  let stopCountdown = () => {};
  let hold = null; // the booking being held
  let pendingKey = null; // the idempotency key of the hold being tried
  let stopped = false;
  let bought = 0; // seats just bought; a purchase also ends the fan's waiting-room session
  const limit = event.max_seats_per_booking || 8;

  const mapPath = () => '/api/v1/events/' + eventId + '/seats?format=compact'
      + (section ? '&section=' + encodeURIComponent(section.name) : '');

  const toWaitingRoom = () => {
    location.assign(queuePage(eventId, location.pathname + location.search));
  };

  const renderBasket = () => {
    const list = $('#picked');
    list.replaceChildren();
    let total = 0;
    const seats = hold ? hold.seats : [...picked.values()];
    for (const seat of seats) {
      const item = document.createElement('li');
      item.textContent = 'Section ' + seat.section + ', row ' + seat.row + ', seat ' + seat.number + ' · ' + money(seat.price);
      list.appendChild(item);
      total += Number(seat.price);
    }
    $('#total').textContent = seats.length ? 'Total ' + money(hold ? hold.total_amount : total) : '';
    $('#hint').textContent = seats.length ? '' : stadium && !section ? 'Pick a section first.' : 'Pick up to ' + limit
        + ' seats on the map: click them, or Tab into the map, move with the arrow keys and press Space.';
    const actions = $('#actions');
    actions.replaceChildren();
    if (hold) {
      actions.innerHTML = html`<p class="hold-timer" id="hold-timer" role="timer" aria-live="off"></p>
        <button type="button" id="confirm" class="primary">Confirm and pay</button>
        <button type="button" id="cancel">Cancel hold</button>`;
      $('#confirm').addEventListener('click', confirm);
      $('#cancel').addEventListener('click', cancel);
    } else {
      if (bought && picked.size === 0) {
        actions.innerHTML = html`<p class="done">Booked: ${bought} ${bought === 1 ? 'seat' : 'seats'}.</p>
          <p><a href="/bookings">My bookings</a></p>`;
      }
      const button = document.createElement('button');
      button.type = 'button';
      button.id = 'hold';
      button.className = 'primary';
      button.textContent = picked.size ? 'Hold ' + picked.size + (picked.size === 1 ? ' seat' : ' seats') : 'Hold seats';
      button.disabled = picked.size === 0;
      button.addEventListener('click', holdSeats);
      actions.appendChild(button);
    }
  };

  const toggle = (seat) => {
    if (hold) return;
    if (picked.has(seat.id)) {
      picked.delete(seat.id);
    } else if (picked.size >= limit) {
      tell('You can pick up to ' + limit + ' seats at a time.', 'warn');
      return;
    } else {
      picked.set(seat.id, seat);
      tell('');
    }
    if (drawn) drawn.update(lastMap, marked);
    renderBasket();
  };

  let lastMap = null;
  const showCounts = (map) => {
    const counts = countStates(map);
    const here = counts.H.toLocaleString() + ' held, ' + counts.S.toLocaleString() + ' sold';
    $('#counts').textContent = map.available_seats.toLocaleString() + ' of ' + map.total_seats.toLocaleString()
        + ' seats available' + (section ? ' · this section: ' + here : stadium ? '' : ' · ' + here);
  };

  const loadMap = async () => {
    if (stopped) return;
    clearTimeout(refreshTimer);
    const reply = await call(mapPath(), { eventId, etag });
    if (stopped) return;
    let next = MAP_REFRESH_MS;
    if (reply.status === 304) {
      // unchanged: nothing to draw
    } else if (reply.ok) {
      etag = reply.etag;
      lastMap = reply.body;
      if (stadium && !section) {
        drawSectionOverview($('#map'), event, lastMap, (name) => go('/events/' + eventId + '?section=' + encodeURIComponent(name)));
      } else {
        // a seat someone else took meanwhile leaves the pick
        for (const s of lastMap.sections) {
          for (let i = 0; i < s.seats.length; i++) {
            const id = s.first_seat_id + i;
            if (s.seats[i] !== 'A' && picked.has(id) && !hold) {
              picked.delete(id);
              marked.add(id);
            }
          }
        }
        if (!drawn) {
          drawn = drawSeatMap($('#map'), lastMap, { onToggle: toggle, isPicked: (id) => picked.has(id), marked });
        } else {
          drawn.update(lastMap, marked);
        }
        renderBasket();
      }
      showCounts(lastMap);
    } else if (reply.error === 'waiting_room_required' && bought) {
      sessionStorage.removeItem('onsale.waitingRoom.' + eventId);
      tell('Booked! Your tickets are in My bookings. Your turn in the waiting room ended with this purchase: '
          + 'to buy more, join the line again.', 'ok');
      const again = document.createElement('button');
      again.type = 'button';
      again.textContent = 'Join the line again';
      again.addEventListener('click', toWaitingRoom);
      $('#actions').appendChild(again);
      return;
    } else if (reply.error === 'waiting_room_required') {
      toWaitingRoom();
      return;
    } else if (reply.status === 429 || reply.status === 503 || reply.status === 0) {
      next = Math.max(1, reply.retryAfter || 2) * 1000;
      if (!lastMap) tell(reply.status === 429 ? 'Lots of fans right now: the map loads again in a moment.'
          : 'The seat map is busy: trying again.', 'warn');
    } else if (reply.status === 401) {
      tell('Your sign-in has expired: sign in again.', 'error');
      return;
    } else {
      tell('The seat map could not be loaded: ' + (reply.detail || reply.status) + '.', 'error');
    }
    refreshTimer = setTimeout(loadMap, next);
  };

  const holdSeats = async () => {
    if (picked.size === 0) return;
    const button = $('#hold');
    button.disabled = true;
    pendingKey = pendingKey || newIdempotencyKey();
    const ids = [...picked.keys()];
    const reply = await call('/api/v1/bookings', { method: 'POST', body: { event_id: Number(eventId), seat_ids: ids },
      idempotencyKey: pendingKey, eventId });
    if (reply.status === 201 || reply.status === 200) {
      pendingKey = null;
      hold = reply.body;
      picked.clear();
      sessionStorage.setItem('onsale.hold.' + eventId, JSON.stringify(hold));
      startHoldTimer();
      renderBasket();
      tell('Held. Confirm before the time runs out.', 'ok');
      loadMap();
      return;
    }
    if (reply.status === 0 || reply.status === 503) {
      // the same key again: a hold that did land is answered, not made twice
      stopCountdown = countdown('The service is busy. Trying again in', reply.retryAfter || 2, holdSeats);
      return;
    }
    pendingKey = null;
    if (reply.error === 'seats_unavailable') {
      marked = new Set(reply.body.seat_ids || []);
      for (const id of marked) picked.delete(id);
      tell('Just taken by someone else: ' + [...marked].map(describe).join('; ') + '. Pick other seats.', 'error');
      etag = null;
      await loadMap();
    } else if (reply.status === 429) {
      stopCountdown = countdown('Too many tries. You can hold again in', reply.retryAfter || 1, () => {
        tell('');
        renderBasket();
      });
      return;
    } else if (reply.error === 'waiting_room_required') {
      toWaitingRoom();
      return;
    } else if (reply.error === 'not_on_sale') {
      tell(reply.body.on_sale_at && Date.parse(reply.body.on_sale_at) > Date.now()
          ? 'Not on sale yet: the sale opens ' + when(reply.body.on_sale_at) + '.' : 'This sale has ended.', 'error');
    } else if (reply.error === 'ticket_limit_reached') {
      tell('One account may buy ' + reply.body.max_tickets + ' tickets for this event.', 'error');
    } else {
      tell(reply.detail || 'The hold failed (' + reply.status + ').', 'error');
    }
    renderBasket();
  };

  const describe = (id) => {
    const seat = drawn && drawn.seats.get(id);
    return seat ? 'section ' + seat.section + ', row ' + seat.row + ', seat ' + seat.number : 'seat ' + id;
  };

  const startHoldTimer = () => {
    stopCountdown();
    const until = Date.parse(hold.expires_at);
    const tick = () => {
      const timer = $('#hold-timer');
      const left = (until - Date.now()) / 1000;
      if (left <= 0) {
        clearInterval(interval);
        expired();
        return;
      }
      if (timer) timer.textContent = 'Held for you: ' + seconds(left) + ' left';
    };
    const interval = setInterval(tick, 250);
    stopCountdown = () => clearInterval(interval);
    setTimeout(tick, 0);
  };

  const expired = () => {
    stopCountdown();
    hold = null;
    sessionStorage.removeItem('onsale.hold.' + eventId);
    renderBasket();
    tell('Your hold expired and the seats were released. Pick seats to start again.', 'error');
    etag = null;
    loadMap();
  };

  const confirm = async () => {
    $('#confirm').disabled = true;
    const reply = await call('/api/v1/bookings/' + hold.id + '/confirm', { method: 'POST', eventId });
    if (reply.ok) {
      stopCountdown();
      sessionStorage.removeItem('onsale.hold.' + eventId);
      bought = hold.seats.length;
      hold = null;
      renderBasket();
      tell('Booked! Your tickets are in My bookings.', 'ok');
      etag = null;
      loadMap();
    } else if (reply.error === 'hold_expired') {
      expired();
    } else if (reply.status === 429 || reply.status === 503 || reply.status === 0) {
      stopCountdown();
      const retry = reply.retryAfter || 2;
      countdown(reply.status === 429 ? 'Too many tries. Confirm again in' : 'The service is busy. Confirm again in', retry,
          () => { startHoldTimer(); renderBasket(); tell(''); });
    } else {
      tell(reply.detail || 'The confirmation failed (' + reply.status + ').', 'error');
      $('#confirm').disabled = false;
    }
  };

  const cancel = async () => {
    const reply = await call('/api/v1/bookings/' + hold.id + '/cancel', { method: 'POST', eventId });
    if (reply.ok || reply.error === 'hold_expired') {
      stopCountdown();
      sessionStorage.removeItem('onsale.hold.' + eventId);
      hold = null;
      renderBasket();
      tell('Hold cancelled; the seats are free again.');
      etag = null;
      loadMap();
    } else {
      tell(reply.detail || 'The cancellation failed (' + reply.status + ').', 'error');
    }
  };

  const saved = sessionStorage.getItem('onsale.hold.' + eventId);
  if (saved) {
    const restored = JSON.parse(saved);
    if (Date.parse(restored.expires_at) > Date.now()) {
      hold = restored;
      startHoldTimer();
    } else {
      sessionStorage.removeItem('onsale.hold.' + eventId);
    }
  }
  renderBasket();
  await loadMap();
  stopView = () => {
    stopped = true;
    clearTimeout(refreshTimer);
    stopCountdown();
  };
}

// ---- my bookings -----------------------------------------------------------------------------------------------

async function bookingsView() {
  document.title = 'My bookings · onsale';
  view.innerHTML = '<h1>My bookings</h1><p id="notice" class="notice" hidden></p><ul class="bookings" id="bookings"></ul>';
  if (needSignIn()) return;
  const reply = await call('/api/v1/bookings?limit=50');
  if (!reply.ok) {
    tell('Your bookings could not be loaded: ' + (reply.detail || reply.status) + '.', 'error');
    return;
  }
  if (reply.body.bookings.length === 0) tell('No bookings yet.');
  const list = $('#bookings');
  for (const booking of reply.body.bookings) {
    const item = document.createElement('li');
    item.className = 'booking ' + booking.status.toLowerCase();
    const held = booking.status === 'HOLD' && Date.parse(booking.expires_at) > Date.now();
    const status = booking.status === 'CONFIRMED' ? 'Confirmed' : booking.status === 'HOLD'
        ? (held ? 'Held until ' + new Date(booking.expires_at).toLocaleTimeString() : 'Hold expired')
        : booking.status.charAt(0) + booking.status.slice(1).toLowerCase();
    item.innerHTML = html`<b>Booking ${booking.id}</b> · <a href="/events/${booking.event_id}">event ${booking.event_id}</a>
      · <span class="status" data-status="${booking.status}">${status}</span> · ${money(booking.total_amount)}
      <ul></ul>`;
    const seats = item.querySelector('ul');
    for (const seat of booking.seats) {
      const li = document.createElement('li');
      li.textContent = 'Section ' + seat.section + ', row ' + seat.row + ', seat ' + seat.number;
      seats.appendChild(li);
    }
    list.appendChild(item);
  }
}

// ---- sign-in ---------------------------------------------------------------------------------------------------

async function signInView() {
  document.title = 'Sign in · onsale';
  const auth = await gatewayAuth();
  const next = new URLSearchParams(location.search).get('next');
  view.innerHTML = html`<h1>Sign in</h1>
    <p>${auth.mode === 'dev' ? 'Dev mode: any user id will do, and every caller may use the operator console.'
        : 'A local sign-in: the local gateway signs a token for you with its own key.'}</p>
    <form id="sign-in" class="form">
      <label for="user">User id</label>
      <input id="user" name="user" required autocomplete="username" pattern="[A-Za-z0-9_.:@-]{1,64}">
      <p id="notice" class="notice" hidden></p>
      <button type="submit" class="primary">Sign in</button>
    </form>`;
  if (auth.mode === 'jwt') {
    const admin = document.createElement('label');
    admin.className = 'check';
    admin.innerHTML = '<input type="checkbox" id="admin"> Operator (admin group)';
    $('#notice').before(admin);
  }
  $('#sign-in').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await signIn($('#user').value.trim(), $('#admin') && $('#admin').checked);
      const target = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
      go(target);
    } catch (error) {
      tell(error.message, 'error');
    }
  });
  $('#user').focus();
}

// ---- routing ---------------------------------------------------------------------------------------------------

async function route() {
  stopView();
  stopView = () => {};
  header();
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const event = path.match(/^\/events\/(\d{1,18})$/);
  if (path === '/') return eventsView();
  if (event) return eventView(event[1]);
  if (path === '/bookings') return bookingsView();
  if (path === '/sign-in') return signInView();
  if (path === '/admin') {
    const { adminView } = await import('./admin.js');
    stopView = await adminView(view, tell);
    return;
  }
  document.title = 'Not found · onsale';
  view.innerHTML = '<h1>Page not found</h1><p><a href="/">All events</a></p>';
}

document.addEventListener('click', (e) => {
  const link = e.target.closest && e.target.closest('a[href^="/"]');
  if (!link || e.ctrlKey || e.metaKey || e.shiftKey || link.target) return;
  if (link.pathname.endsWith('/queue') || link.pathname.startsWith('/docs')) return;
  e.preventDefault();
  go(link.pathname + link.search);
});
window.addEventListener('popstate', route);
adoptFragmentToken();
route();
