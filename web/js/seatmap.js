// The seat map, drawn in SVG from the event's sections and the compact map (one letter per seat, row by row).
//
// Each seat is a focusable checkbox with a label a screen reader reads ("Section B, row 4, seat 12, 80.00,
// available"). One seat of the map is in the tab order at a time (a roving tabindex): Tab enters the map, the arrow
// keys move between seats (across sections at the edges), Space or Enter picks or drops the focused seat.

const SVG = 'http://www.w3.org/2000/svg';
const SEAT = 16;     // a seat's square, in SVG units
const GAP = 4;
const ROW_LABEL = 28; // room for "R12" at the left of each row
const STATES = { A: 'available', H: 'held', S: 'sold' };

export const money = (amount) => Number(amount).toFixed(2);

/** The compact map's seats by state, over all its sections: {A, H, S, sales (the sold seats' prices)}. */
export function countStates(map) {
  const counts = { A: 0, H: 0, S: 0, sales: 0 };
  for (const section of map.sections) {
    let sold = 0;
    for (const letter of section.seats) {
      counts[letter] = (counts[letter] || 0) + 1;
      if (letter === 'S') sold++;
    }
    counts.sales += sold * section.price;
  }
  return counts;
}

function element(name, attributes = {}, parent = null) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

/** The seat's description, as read aloud and shown on hover. */
export function seatLabel(seat, state, picked) {
  return 'Section ' + seat.section + ', row ' + seat.row + ', seat ' + seat.number + ', ' + money(seat.price) + ', '
      + (picked ? 'selected' : STATES[state] || 'unknown');
}

/**
 * Draws the sections of `map` (the compact answer) into `container`.
 * onToggle(seat) is called when a seat is picked or dropped; isPicked(id) tells the current selection.
 * Answers {update(map, marked), focusSeat(id), seats: Map id -> seat}.
 */
export function drawSeatMap(container, map, { onToggle, isPicked, marked = new Set() }) {
  container.replaceChildren();
  const seats = new Map();
  const grids = [];
  for (const section of map.sections) {
    const figure = document.createElement('figure');
    figure.className = 'section';
    const caption = document.createElement('figcaption');
    caption.textContent = section.name + ' · ' + money(section.price);
    figure.appendChild(caption);
    const width = ROW_LABEL + section.seats_per_row * (SEAT + GAP);
    const height = section.rows * (SEAT + GAP);
    const svg = element('svg', { viewBox: '0 0 ' + width + ' ' + height, width, height, role: 'group',
      'aria-label': 'Section ' + section.name + ', ' + section.rows + ' rows of ' + section.seats_per_row + ' seats, '
          + money(section.price) + ' each' });
    const grid = [];
    for (let r = 0; r < section.rows; r++) {
      const label = element('text', { x: 0, y: r * (SEAT + GAP) + SEAT - 3, class: 'row-label', 'aria-hidden': 'true' }, svg);
      label.textContent = 'R' + (r + 1);
      const row = [];
      for (let c = 0; c < section.seats_per_row; c++) {
        const index = r * section.seats_per_row + c;
        const seat = { id: section.first_seat_id + index, section: section.name, row: r + 1, number: c + 1,
          price: section.price, index };
        const node = element('rect', { x: ROW_LABEL + c * (SEAT + GAP), y: r * (SEAT + GAP), width: SEAT, height: SEAT,
          rx: 3, role: 'checkbox', tabindex: '-1', 'data-seat-id': seat.id }, svg);
        element('title', {}, node);
        seat.node = node;
        seat.grid = { section: grids.length, r, c };
        seats.set(seat.id, seat);
        row.push(seat);
      }
      grid.push(row);
    }
    grids.push(grid);
    figure.appendChild(svg);
    container.appendChild(figure);
  }

  let focused = null;
  const setTabStop = (seat) => {
    if (focused) focused.node.setAttribute('tabindex', '-1');
    focused = seat;
    seat.node.setAttribute('tabindex', '0');
  };
  const focusSeat = (seat) => {
    if (!seat) return;
    setTabStop(seat);
    seat.node.focus();
  };
  const neighbour = (seat, key) => {
    const { section, r, c } = seat.grid;
    const grid = grids[section];
    if (key === 'ArrowLeft') return c > 0 ? grid[r][c - 1] : null;
    if (key === 'ArrowRight') return c + 1 < grid[r].length ? grid[r][c + 1] : null;
    if (key === 'ArrowUp') {
      if (r > 0) return grid[r - 1][c];
      const above = grids[section - 1];
      return above ? above[above.length - 1][Math.min(c, above[0].length - 1)] : null;
    }
    if (key === 'ArrowDown') {
      if (r + 1 < grid.length) return grid[r + 1][c];
      const below = grids[section + 1];
      return below ? below[0][Math.min(c, below[0].length - 1)] : null;
    }
    if (key === 'Home') return grid[r][0];
    if (key === 'End') return grid[r][grid[r].length - 1];
    return null;
  };

  container.addEventListener('click', (e) => {
    const id = e.target.getAttribute && e.target.getAttribute('data-seat-id');
    if (!id) return;
    const seat = seats.get(Number(id));
    setTabStop(seat);
    if (seat.state === 'A' || isPicked(seat.id)) onToggle(seat);
  });
  container.addEventListener('keydown', (e) => {
    const id = e.target.getAttribute && e.target.getAttribute('data-seat-id');
    if (!id) return;
    const seat = seats.get(Number(id));
    if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      if (seat.state === 'A' || isPicked(seat.id)) onToggle(seat);
      return;
    }
    const next = neighbour(seat, e.key);
    if (next) {
      e.preventDefault();
      focusSeat(next);
    }
  });

  const update = (latest, newlyMarked = marked) => {
    latest.sections.forEach((section) => {
      for (let i = 0; i < section.seats.length; i++) {
        const seat = seats.get(section.first_seat_id + i);
        if (!seat) continue;
        seat.state = section.seats[i];
        const picked = isPicked(seat.id);
        const classes = ['seat', STATES[seat.state] || 'unknown'];
        if (picked) classes.push('picked');
        if (newlyMarked.has(seat.id)) classes.push('taken-now');
        seat.node.setAttribute('class', classes.join(' '));
        seat.node.setAttribute('aria-checked', picked ? 'true' : 'false');
        seat.node.setAttribute('aria-disabled', seat.state === 'A' || picked ? 'false' : 'true');
        const text = seatLabel(seat, seat.state, picked);
        seat.node.setAttribute('aria-label', text);
        seat.node.firstChild.textContent = text;
      }
    });
  };
  update(map);
  const first = [...seats.values()].find((seat) => seat.state === 'A') || seats.values().next().value;
  if (first) setTabStop(first);
  return { update, focusSeat: (id) => focusSeat(seats.get(id)), seats };
}

/** A stadium's overview: one tile per section with its price and the seats still available. */
export function drawSectionOverview(container, event, map, onPick) {
  container.replaceChildren();
  const list = document.createElement('ul');
  list.className = 'sections';
  const letters = new Map(map.sections.map((s) => [s.name, s.seats]));
  for (const section of event.sections) {
    const seats = letters.get(section.name) || '';
    const available = countStates({ sections: [{ seats, price: 0 }] }).A;
    const total = section.rows * section.seats_per_row;
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'section-tile';
    button.dataset.section = section.name;
    const share = total ? available / total : 0;
    button.dataset.level = share === 0 ? 'none' : share < 0.2 ? 'few' : 'many';
    button.innerHTML = '<b></b><span class="price"></span><span class="left"></span>';
    button.querySelector('b').textContent = section.name;
    button.querySelector('.price').textContent = money(section.price);
    button.querySelector('.left').textContent = available.toLocaleString() + ' of ' + total.toLocaleString() + ' available';
    button.setAttribute('aria-label', 'Section ' + section.name + ', ' + money(section.price) + ', '
        + available + ' of ' + total + ' seats available');
    button.addEventListener('click', () => onPick(section.name));
    item.appendChild(button);
    list.appendChild(item);
  }
  container.appendChild(list);
}
