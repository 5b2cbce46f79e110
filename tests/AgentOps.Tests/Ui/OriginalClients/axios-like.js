// A stand-in for axios (the test machine has no network to fetch it) with the parts the original clients use:
// axios.create({ baseURL }), get/post with { auth: { username, password } } sent as HTTP Basic,
// a response { data, status, headers } and, for any status outside 2xx, a rejection whose error.response is that response.
(function () {
  function create(defaults) {
    const baseURL = (defaults && defaults.baseURL) || '';

    async function request(config) {
      const headers = { Accept: 'application/json' };
      if (config.data !== undefined) headers['Content-Type'] = 'application/json';
      if (config.auth) headers.Authorization = 'Basic ' + btoa(config.auth.username + ':' + config.auth.password);
      const res = await fetch(baseURL + config.url, {
        method: config.method.toUpperCase(),
        headers,
        body: config.data === undefined ? undefined : JSON.stringify(config.data),
      });
      const text = await res.text();
      let data = text;
      try { data = text ? JSON.parse(text) : ''; } catch { /* not JSON: keep the text, as axios does */ }
      const responseHeaders = {};
      res.headers.forEach((value, name) => { responseHeaders[name.toLowerCase()] = value; });
      const response = { data, status: res.status, statusText: res.statusText, headers: responseHeaders, config };
      if (res.status >= 200 && res.status < 300) return response;
      const error = new Error('Request failed with status code ' + res.status);
      error.response = response;
      throw error;
    }

    return {
      request,
      get: (url, config) => request({ ...(config || {}), url, method: 'get' }),
      post: (url, data, config) => request({ ...(config || {}), url, data, method: 'post' }),
    };
  }

  window.axios = { create };
})();
