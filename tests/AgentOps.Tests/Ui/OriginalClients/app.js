// The original bookstore UI's reads, written from the shapes its pages use: every field below is read under
// the name those pages read (order.totalAmount, item.priceAtPurchase, book.publishedYear, warehouse.lastSeen,
// info.status / info.registeredWith, error.response.data.error). A missing field throws or renders
// "Invalid Date", as it did in the original pages.
(function () {
  const api = axios.create({ baseURL: '' }); // base path only: the front door serves the same paths
  const LOGIN_KEY = 'bookstore.login';
  const view = document.getElementById('view');
  const errorBox = document.getElementById('error');

  const currentLogin = () => JSON.parse(localStorage.getItem(LOGIN_KEY) || 'null');
  const auth = () => {
    const login = currentLogin();
    return login ? { username: login.email, password: login.password } : undefined;
  };

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    for (const child of children) node.append(child);
    return node;
  }

  function begin(name) {
    errorBox.textContent = '';
    delete errorBox.dataset.status;
    delete errorBox.dataset.challenge;
    view.replaceChildren();
    view.dataset.view = name;
    delete view.dataset.loaded;
  }

  function done() { view.dataset.loaded = 'true'; }

  function showError(error) {
    const response = error.response;
    errorBox.textContent = response ? response.data.error : String(error);
    errorBox.dataset.status = response ? String(response.status) : 'none';
    errorBox.dataset.challenge = (response && response.headers['www-authenticate']) || '';
  }

  async function run(name, render) {
    begin(name);
    try {
      await render();
      done();
    } catch (error) {
      showError(error);
    }
  }

  // Login is kept locally: the credentials go with every request as HTTP Basic.
  function signIn(email, password) {
    localStorage.setItem(LOGIN_KEY, JSON.stringify({ email, password }));
    document.getElementById('signed-in').textContent = email;
    return showMyOrders();
  }

  const showCatalog = () => run('catalog', async () => {
    const { data: books } = await api.get('/store/books');
    for (const book of books) {
      const buy = el('button', { type: 'button', 'data-testid': 'buy' }, 'Buy');
      buy.addEventListener('click', () => purchase(book.id));
      view.append(el('div', { 'data-testid': 'book', 'data-book-id': book.id },
        el('h3', { 'data-testid': 'book-title' }, book.title),
        el('span', { 'data-testid': 'book-year' }, String(book.publishedYear)),
        el('span', { 'data-testid': 'book-price' }, '$' + book.price.toFixed(2)),
        buy));
    }
  });

  const purchase = (bookId) => run('purchase', async () => {
    const { data: order } = await api.post('/store/orders', { items: [{ bookId, quantity: 1 }] }, { auth: auth() });
    view.append(el('p', { 'data-testid': 'purchase-total' }, '$' + order.totalAmount.toFixed(2)));
  });

  const showMyOrders = () => run('orders', async () => {
    const { data: orders } = await api.get('/store/orders', { auth: auth() });
    for (const order of orders) {
      const items = el('ul');
      for (const item of order.items) {
        items.append(el('li', { 'data-testid': 'order-item', 'data-item-id': item.id },
          `${item.bookTitle} × ${item.quantity} @ $${item.priceAtPurchase.toFixed(2)}`));
      }
      view.append(el('div', { 'data-testid': 'order', 'data-order-id': order.id },
        el('span', { 'data-testid': 'order-date' }, new Date(order.createdAt).toLocaleString('en-US')),
        el('span', { 'data-testid': 'order-total' }, '$' + order.totalAmount.toFixed(2)),
        items));
    }
  });

  const showWarehouses = () => run('warehouses', async () => {
    const { data: warehouses } = await api.get('/store/warehouses', { auth: auth() });
    for (const warehouse of warehouses) {
      const info = el('button', { type: 'button', 'data-testid': 'info' }, 'Info');
      info.addEventListener('click', () => showInfo(warehouse.name));
      view.append(el('div', { 'data-testid': 'warehouse', 'data-name': warehouse.name },
        el('span', {}, warehouse.name),
        el('span', { 'data-testid': 'last-seen' }, new Date(warehouse.lastSeen).toLocaleString('en-US')),
        info));
    }
  });

  const showInfo = (name) => run('info', async () => {
    const { data: info } = await api.get(`/warehouses/${encodeURIComponent(name)}/info`);
    const connected = info.status === 'active' && info.registeredWith;
    view.append(
      el('span', { 'data-testid': 'info-status' }, info.status),
      el('span', { 'data-testid': 'info-connection' }, connected ? `connected to ${info.registeredWith}` : 'not connected'));
  });

  document.getElementById('login').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target;
    signIn(form.email.value, form.password.value);
  });
  document.getElementById('nav-catalog').addEventListener('click', showCatalog);
  document.getElementById('nav-orders').addEventListener('click', showMyOrders);
  document.getElementById('nav-warehouses').addEventListener('click', showWarehouses);
})();
