/* Engage comments: enhances the no-JS form (load with defer). Only the API's sanitised `html` is
 * set as innerHTML. Under 11 KB (tested). */
(function () {
'use strict'
if (!window.fetch) return

var D = document
var LANG = D.documentElement.lang || 'en-GB'
var WORDS = {} // #engage-messages: {msgid: text or {plural category: text}}; none: English
try { WORDS = JSON.parse(D.getElementById('engage-messages').textContent) } catch (e) {}

function gettext (s) { return (typeof WORDS[s] === 'string' && WORDS[s]) || s }

function ngettext (s, p, n) { // %(num)d: the count
  var t = WORDS[s] || {}
  var rule = window.Intl && Intl.PluralRules && new Intl.PluralRules(LANG).select(n)
  return (t[rule] || t.other || (n === 1 ? s : p)).replace('%(num)d', n)
}

var KEY = 'engage:mine' // [{id, edit_token, page, body, created}]
var CHECKED = gettext('Your comment will appear once a moderator has checked it against our ground rules for taking part.')
var FAILED = gettext('Sorry, there is a problem with the service. Please try again later.')
var SECONDARY = ' nhsuk-button--secondary'
var BY = 'aria-describedby'
var base, page, status, mine

function add (parent, tag, cls, text, attrs) {
  var node = D.createElement(tag)
  if (cls) node.className = cls
  if (text) node.textContent = text
  for (var a in attrs || {}) node.setAttribute(a, attrs[a])
  if (parent) parent.appendChild(node)
  return node
}

function load () {
  try {
    var list = JSON.parse(localStorage.getItem(KEY))
    return Array.isArray(list) ? list : []
  } catch (e) { return [] }
}

function store (list) {
  try { localStorage.setItem(KEY, JSON.stringify(list)) } catch (e) {}
}

function keep (test) { // true if some were dropped
  var all = load()
  var kept = all.filter(test)
  return kept.length < all.length && !store(kept)
}

function send (method, url, data, headers) { // never rejects: no network is status 0
  var h = headers || {}
  if (data) h['Content-Type'] = 'application/json'
  return fetch(url, { method: method, headers: h, body: data && JSON.stringify(data) }).then(function (r) {
    return r.json().catch(function () {}).then(function (d) { return { status: r.status, data: d || {} } })
  }, function () { return { status: 0, data: {} } })
}

function empty (node) { node.textContent = ''; return node }

function say (text) { status.textContent = text }

function thank () { // as on the no-JS page, feedback/comment_received.html
  var panel = add(status, 'div', 'nhsuk-panel')
  add(panel, 'h3', 'nhsuk-panel__heading', gettext('Thank you for your comment'))
  add(panel, 'div', 'nhsuk-panel__body', gettext('We have received it.'))
  add(status, 'p', 0, CHECKED + ' ' + gettext('We check comments within 2 working days.'))
  focus(panel)
}

function focus (node) { node.tabIndex = -1; node.focus() }

function button (parent, text, cls) {
  return add(parent, 'button', 'nhsuk-button nhsuk-button--small' + cls, text, { type: 'button' })
}

function renderList (comments, ids, reply) {
  var ol = add(0, 'ol', 'engage-comments')
  comments.forEach(function (c) {
    ids[c.id] = 1
    var li = add(ol, 'li', 'engage-comment' + (reply ? ' engage-comment--reply' : '') +
      (c.official ? ' engage-comment--official' : ''), 0, { id: 'comment-' + c.id })
    var meta = add(li, 'p', 'engage-comment__meta')
    if (c.official) add(meta, 'strong', 'nhsuk-tag nhsuk-tag--blue', gettext('Official reply'))
    if (c.tag) add(meta, 'strong', 'nhsuk-tag nhsuk-tag--white engage-comment__tag', c.tag)
    add(meta, 'strong', 'engage-comment__author', c.author || gettext('Anonymous'))
    add(meta, 'time', 0, new Date(c.created).toLocaleDateString(LANG,
      { day: 'numeric', month: 'long', year: 'numeric' }), { datetime: c.created })
    add(li, 'div', 'engage-comment__body').innerHTML = c.html
    if (c.replies && c.replies.length) li.appendChild(renderList(c.replies, ids, 1))
  })
  return ol
}

function mineItem (m) {
  var item = add(0, 'div', 'engage-mine nhsuk-inset-text')
  var forget = function (x) { return x.id !== m.id }

  // 403, 404, 409: too late; forget it, show what was typed
  function change (btn, method, data, ok, typed) {
    btn.disabled = true
    send(method, base + '/comments/' + m.id, data, { 'X-Edit-Token': m.edit_token }).then(function (res) {
      btn.disabled = false
      if (res.status < 300) return ok()
      if (!/40[349]/.test(res.status)) return say((res.data.fields || {}).body || res.data.error || FAILED)
      keep(forget)
      add(empty(item), 'p', 0, gettext('This comment can no longer be changed or deleted.'))
      if (typed) add(item, 'p', 'engage-mine__text', typed)
      focus(item)
    })
  }

  function view () {
    add(empty(item), 'h4', 'nhsuk-heading-s', gettext('Your comment, waiting for a moderator'))
    add(item, 'p', 'engage-mine__text', m.body)
    var group = add(item, 'div', 'nhsuk-button-group')
    var edit = button(group, gettext('Edit'), SECONDARY)
    var del = button(group, gettext('Delete'), ' nhsuk-button--warning')
    edit.onclick = editor
    del.onclick = function () {
      if (!confirm(gettext('Delete your comment? This cannot be undone.'))) return
      change(del, 'DELETE', null, function () {
        keep(forget)
        item.remove()
        say(gettext('Your comment has been deleted.'))
        focus(status)
      })
    }
    return edit
  }

  function editor () {
    var id = 'engage-edit-' + m.id
    add(empty(item), 'label', 'nhsuk-label nhsuk-label--s', gettext('Change your comment'), { for: id })
    var area = add(item, 'textarea', 'nhsuk-textarea', 0, { id: id, rows: 6 })
    var buttons = add(item, 'div', 'nhsuk-button-group')
    var save = button(buttons, gettext('Save changes'), '')
    area.value = m.body
    button(buttons, gettext('Cancel'), SECONDARY).onclick = function () { view().focus() }
    save.onclick = function () {
      var text = area.value
      change(save, 'PATCH', { edit_token: m.edit_token, body: text }, function () {
        m.body = text.trim()
        store(load().map(function (x) { return x.id === m.id ? m : x }))
        view().focus()
        say(gettext('Your changes have been saved.') + ' ' + CHECKED)
      }, text)
    }
    area.focus()
  }

  view()
  return item
}

function renderMine () {
  empty(mine)
  load().forEach(function (m) {
    if (m.page === page) mine.appendChild(mineItem(m))
  })
}

function clearErrors (form) {
  form.querySelectorAll('.nhsuk-error-summary, [class*=error]').forEach(function (n) {
    if (/summary|message/.test(n.className)) return n.remove()
    n.className = n.className.replace(/ \S+--error/, '')
    var by = n.getAttribute(BY)
    if (by) n.setAttribute(BY, by.replace(/\S+-error /, ''))
  })
}

function showErrors (form, fields) {
  var summary = add(0, 'div', 'nhsuk-error-summary', 0, { 'aria-labelledby': 'error-summary-title', role: 'alert' })
  add(summary, 'h2', 'nhsuk-error-summary__heading', gettext('There is a problem'), { id: 'error-summary-title' })
  var ul = add(add(summary, 'div', 'nhsuk-error-summary__body'), 'ul', 'nhsuk-list nhsuk-error-summary__list')
  Object.keys(fields).forEach(function (name) {
    var input = form.elements[name]
    if (!input || input.type === 'hidden') input = form.elements.body
    add(add(ul, 'li'), 'a', 0, fields[name], { href: '#' + input.id }).onclick = function (e) { e.preventDefault(); input.focus() }
    var group = input.closest('.nhsuk-form-group')
    if (!group || group.querySelector('.nhsuk-error-message')) return
    var msg = add(0, 'span', 'nhsuk-error-message', 0, { id: input.id + '-error' })
    add(msg, 'span', 'nhsuk-u-visually-hidden', gettext('Error:'))
    msg.append(' ' + fields[name])
    group.classList.add('nhsuk-form-group--error')
    input.before(msg)
    input.classList.add(input.classList[0] + '--error')
    input.setAttribute(BY, msg.id + ' ' + (input.getAttribute(BY) || ''))
  })
  form.prepend(summary)
  focus(summary)
}

function enhanceForm (form) {
  var submit = form.querySelector('[type=submit]')
  var f = form.elements
  form.noValidate = true // the API's messages go in the error summary
  form.addEventListener('submit', function (e) {
    e.preventDefault()
    var data = { page: page, body: f.body.value, notify: f.notify.checked, question: !!f.question && f.question.checked }
    ;['author', 'email', 'website', 'parent', 'via'].forEach(function (n) { if (f[n] && f[n].value) data[n] = f[n].value })
    if (data.parent) data.parent = +data.parent
    submit.disabled = true
    say(gettext('Sending your comment…'))
    send('POST', base + '/comments', data).then(function (res) {
      var d = res.data
      var fields = d.fields || {}
      var sent = res.status === 202
      var wrong = res.status === 400 && Object.keys(fields).length
      submit.disabled = false
      if (D.activeElement === D.body) submit.focus()
      say(sent || wrong ? '' : d.error || FAILED) // the API words 409, 413, 429...
      clearErrors(form)
      if (wrong) showErrors(form, fields)
      if (!sent) return
      store(load().concat({ id: d.id, edit_token: d.edit_token, page: page, body: data.body.trim(),
        created: new Date().toISOString() }))
      f.body.value = ''
      f.body.dispatchEvent(new Event('input'))
      renderMine()
      thank()
    })
  })
}

function loadCounts () {
  var nodes = Array.from(D.querySelectorAll('[data-engage-count]'))
  var pages = nodes.map(function (n) { return n.dataset.page })
  while (pages.length) {
    var query = pages.splice(0, 100).map(encodeURIComponent).join('&page=')
    send('GET', (nodes[0].dataset.api || '/api') + '/comments/counts?page=' + query).then(function (res) {
      nodes.forEach(function (node) {
        var n = (res.data.counts || {})[node.dataset.page]
        if (n > 0) {
          node.textContent = ngettext('%(num)d comment', '%(num)d comments', n)
          node.hidden = false
        }
      })
    })
  }
}

function init () {
  loadCounts()
  var box = D.querySelector('[data-engage-comments]')
  var form = D.querySelector('[data-engage-comment-form]')
  if (!box) return
  page = box.dataset.page
  base = box.dataset.api || (form ? form.action.replace(/\/comments$/, '') : '/api')
  status = add(0, 'div', 'engage-comment-status nhsuk-body', 0, { role: 'status', 'aria-live': 'polite' })
  mine = add(0, 'div', 'engage-mine-list')
  ;(form || box).after(status, mine)
  if (form) enhanceForm(form)
  renderMine()
  send('GET', base + '/comments?page=' + encodeURIComponent(page)).then(function (res) {
    var ids = {}
    var list = res.data.comments
    if (!Array.isArray(list)) throw res
    if (list.length) empty(box).appendChild(renderList(list, ids))
    else add(empty(box), 'p', 0, form ? gettext('No comments yet. Be the first to comment.') : gettext('No comments yet.'))
    if (keep(function (m) { return !ids[m.id] || m.page !== page })) renderMine()
  }).catch(function () {
    add(box, 'p', 'engage-comments__error', gettext('Comments could not be loaded.'))
  })
}

init()
})()
