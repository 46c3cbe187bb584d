// Starts swagger-ui from the project's own copy with the settings the page carries (no inline script: CSP).
(function () {
  var settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrf = document.cookie.split("; ").filter(function (c) { return c.indexOf("csrftoken=") === 0; })[0];
  settings.dom_id = "#swagger-ui";
  settings.requestInterceptor = function (request) {
    if (csrf) { request.headers["X-CSRFToken"] = csrf.split("=")[1]; }
    return request;
  };
  window.ui = SwaggerUIBundle(settings);
})();
