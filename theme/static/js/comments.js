/* Engage comments: enhances the plain comment form (it works without JavaScript). Lists approved
 * comments, posts inline, lets writers edit or delete their pending comments (localStorage
 * "engage:mine") and fills counts on list pages. Reader text only ever goes in as textContent;
 * only the API's sanitised `html` is set as innerHTML. Keep this file under 10 KB. */
(function () {
  'use strict'
  if (!window.fetch) return

  var D = document
  var KEY = 'engage:mine'
  var MONTHS = 'January February March April May June July August September October November December'.split(' ')
  var CHECKED = 'Your comment will appear once a moderator has checked it against our ground rules.'
  var FAILED = 'Sorry, there is a problem with the service. Please try again later.'
  var GONE = 'This comment can no longer be changed or deleted.'

  // A new element with class names, text and attributes, appended to `parent` if given.
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
      var list = JSON.parse(localStorage.getItem(KEY) || '[]')
      return Array.isArray(list) ? list : []
    } catch (e) { return [] }
  }

  function store (list) {
    try { localStorage.setItem(KEY, JSON.stringify(list)) } catch (e) {} // unavailable or full
  }

  function forget (id) {
    store(load().filter(function (m) { return m.id !== id }))
  }

  // JSON in and out: resolves {status, data, response}; rejects on network errors.
  function send (method, url, data, headers) {
    var h = headers || {}
    h.Accept = 'application/json'
    if (data) h['Content-Type'] = 'application/json'
    return fetch(url, { method: method, headers: h, body: data && JSON.stringify(data) }).then(function (r) {
      var done = function (d) { return { status: r.status, data: d || {}, response: r } }
      return r.status === 204 ? done() : r.json().then(done, function () { return done() })
    })
  }

  function problem (res) {
    var s = res.status
    if (s === 413) return 'Your comment is too long to send. Please shorten it.'
    if (s === 429) {
      var mins = Math.ceil((parseInt(res.response.headers.get('Retry-After'), 10) || 60) / 60)
      return 'You have sent a lot in a short time. Please wait ' + mins + ' minute' + (mins > 1 ? 's' : '') + ' and try again.'
    }
    return (s < 500 && res.data.error) || FAILED
  }

  function say (box, text) {
    box.textContent = ''
    if (text) add(box, 'p', 'nhsuk-body', text)
  }

  function errorMessage (text, id) {
    var span = add(0, 'span', 'nhsuk-error-message', null, { id: id, 'data-engage-error': '' })
    add(span, 'span', 'nhsuk-u-visually-hidden', 'Error:')
    span.appendChild(D.createTextNode(' ' + text))
    return span
  }

  function button (parent, text, cls) {
    return add(parent, 'button', 'nhsuk-button nhsuk-button--small ' + cls, text, { type: 'button' })
  }

  function renderList (comments, ids, reply) {
    var ol = add(0, 'ol', 'engage-comments' + (reply ? ' engage-comments--replies' : ''))
    comments.forEach(function (c) {
      ids[c.id] = 1
      var li = add(ol, 'li', 'engage-comment' + (reply ? ' engage-comment--reply' : '') +
        (c.official ? ' engage-comment--official' : ''), null, { id: 'comment-' + c.id })
      var meta = add(li, 'p', 'engage-comment__meta')
      if (c.official) add(meta, 'strong', 'nhsuk-tag nhsuk-tag--blue', 'Official reply')
      add(meta, 'strong', 'engage-comment__author', c.author || 'Anonymous')
      var d = new Date(c.created)
      add(meta, 'time', 0, isNaN(d) ? c.created : d.getDate() + ' ' + MONTHS[d.getMonth()] + ' ' + d.getFullYear(),
        { datetime: c.created })
      add(li, 'div', 'engage-comment__body').innerHTML = c.html
      if (c.replies && c.replies.length) li.appendChild(renderList(c.replies, ids, 1))
    })
    return ol
  }

  // One of the writer's own pending comments, with Edit and Delete.
  function mineItem (m, base, status) {
    var item = add(0, 'div', 'engage-mine nhsuk-inset-text')
    var url = base + '/comments/' + encodeURIComponent(m.id)
    // After an answer: true if it is a problem the caller should show.
    var answered = function (btn, res, ok, kept) {
      btn.disabled = false
      if (res.status === 403 || res.status === 404 || res.status === 409) return gone(kept)
      if (res.status < 300) return ok()
      return true
    }
    var failed = function (btn) {
      return function () { btn.disabled = false; say(status, FAILED) }
    }

    function gone (kept) {
      forget(m.id)
      item.textContent = ''
      add(item, 'p', 'nhsuk-body', GONE)
      if (kept) add(item, 'p', 'engage-mine__text', kept) // what they typed is never lost
      item.tabIndex = -1
      item.focus()
      say(status, GONE)
    }

    function view () {
      item.textContent = ''
      add(item, 'h4', 'nhsuk-heading-s', 'Your comment, waiting for a moderator')
      add(item, 'p', 'engage-mine__text', m.body)
      var group = add(item, 'div', 'nhsuk-button-group')
      var edit = button(group, 'Edit', 'nhsuk-button--secondary')
      var del = button(group, 'Delete', 'nhsuk-button--warning')
      edit.onclick = editor
      del.onclick = function () {
        if (!confirm('Delete your comment? This cannot be undone.')) return
        del.disabled = true
        send('DELETE', url, 0, { 'X-Edit-Token': m.edit_token }).then(function (res) {
          if (answered(del, res, function () {
            forget(m.id)
            var next = item.nextSibling
            item.parentNode.removeChild(item)
            say(status, 'Your comment has been deleted.')
            ;(next ? next.querySelector('button') : status).focus()
          })) say(status, problem(res))
        }, failed(del))
      }
      return edit
    }

    function editor () {
      item.textContent = ''
      var id = 'engage-edit-' + m.id
      var group = add(item, 'div', 'nhsuk-form-group')
      add(group, 'label', 'nhsuk-label nhsuk-label--s', 'Change your comment', { for: id })
      var area = add(group, 'textarea', 'nhsuk-textarea', 0, { id: id, rows: 6 })
      area.value = m.body
      var buttons = add(item, 'div', 'nhsuk-button-group')
      var save = button(buttons, 'Save changes', '')
      button(buttons, 'Cancel', 'nhsuk-button--secondary').onclick = function () { view().focus() }
      save.onclick = function () {
        var text = area.value
        save.disabled = true
        send('PATCH', url, { edit_token: m.edit_token, body: text }).then(function (res) {
          if (answered(save, res, function () {
            m.body = text.trim()
            store(load().map(function (x) { return x.id === m.id ? m : x }))
            view().focus()
            say(status, 'Your changes have been saved. ' + CHECKED)
          }, text)) {
            var old = group.querySelector('.nhsuk-error-message')
            if (old) group.removeChild(old)
            group.className = 'nhsuk-form-group nhsuk-form-group--error'
            area.className = 'nhsuk-textarea nhsuk-textarea--error'
            group.insertBefore(errorMessage((res.data.fields || {}).body || problem(res), id + '-error'), area)
            area.setAttribute('aria-describedby', id + '-error')
            area.focus()
          }
        }, failed(save))
      }
      area.focus()
    }

    view()
    return item
  }

  function renderMine (area, base, page, status) {
    area.textContent = ''
    load().forEach(function (m) {
      if (m.page === page) area.appendChild(mineItem(m, base, status))
    })
  }

  function clearErrors (form) {
    var all = form.querySelectorAll('[data-engage-error], [class*=--error], [aria-describedby]')
    for (var i = 0; i < all.length; i++) {
      var n = all[i]
      if (n.hasAttribute('data-engage-error')) n.parentNode.removeChild(n)
      n.classList.remove('nhsuk-form-group--error', 'nhsuk-textarea--error', 'nhsuk-input--error')
      var by = n.getAttribute('aria-describedby')
      if (by) n.setAttribute('aria-describedby', by.replace(/\S+-error\s*/g, ''))
    }
  }

  // The NHS error summary at the top of the form, and each field's message.
  function showErrors (form, fields) {
    var summary = add(0, 'div', 'nhsuk-error-summary', 0,
      { 'aria-labelledby': 'error-summary-title', role: 'alert', tabindex: '-1', 'data-engage-error': '' })
    add(summary, 'h2', 'nhsuk-error-summary__heading', 'There is a problem', { id: 'error-summary-title' })
    var ul = add(add(summary, 'div', 'nhsuk-error-summary__body'), 'ul', 'nhsuk-list nhsuk-error-summary__list')
    Object.keys(fields).forEach(function (name) {
      var input = form.elements[name]
      if (!input || !input.id || input.type === 'hidden') input = form.elements.body
      var a = add(add(ul, 'li'), 'a', 0, fields[name], { href: '#' + input.id })
      a.onclick = function (e) { e.preventDefault(); input.focus() }
      var group = input.closest('.nhsuk-form-group')
      if (!group || group.querySelector('[data-engage-error]')) return
      var msg = errorMessage(fields[name], input.id + '-error')
      group.classList.add('nhsuk-form-group--error')
      if (input.type === 'checkbox') return group.insertBefore(msg, group.firstChild)
      input.parentNode.insertBefore(msg, input)
      input.classList.add(input.tagName === 'TEXTAREA' ? 'nhsuk-textarea--error' : 'nhsuk-input--error')
      input.setAttribute('aria-describedby', msg.id + ' ' + (input.getAttribute('aria-describedby') || ''))
    })
    form.insertBefore(summary, form.firstChild)
    summary.focus()
  }

  function enhanceForm (form, base, page, status, mine) {
    form.noValidate = true // the API checks the fields; its messages go in the NHS error summary
    var submit = form.querySelector('[type=submit]')
    var f = form.elements
    var busy = false
    form.addEventListener('submit', function (e) {
      e.preventDefault()
      if (busy) return
      var data = { page: page, body: f.body.value, notify: !!(f.notify && f.notify.checked) }
      ;['author', 'email', 'website', 'parent'].forEach(function (n) { if (f[n] && f[n].value) data[n] = f[n].value })
      if (data.parent) data.parent = parseInt(data.parent, 10)
      busy = submit.disabled = true
      say(status, 'Sending your comment…')
      var finish = function (text) {
        busy = submit.disabled = false
        if (D.activeElement === D.body) submit.focus()
        say(status, text)
      }
      send('POST', base + '/comments', data).then(function (res) {
        clearErrors(form)
        var fields = res.data.fields || {}
        if (res.status === 202) {
          var list = load()
          list.push({ id: res.data.id, edit_token: res.data.edit_token, page: page, body: data.body.trim(), created: new Date().toISOString() })
          store(list)
          f.body.value = ''
          try { f.body.dispatchEvent(new Event('input')) } catch (x) {} // update the character count
          renderMine(mine, base, page, status)
          finish('Thank you. ' + CHECKED)
        } else if (res.status === 400 && Object.keys(fields).length) {
          finish('')
          showErrors(form, fields)
        } else {
          finish(problem(res))
        }
      }, function () { finish(FAILED) })
    })
  }

  // List pages: one counts request per 100 pages fills every [data-engage-count].
  function loadCounts () {
    var nodes = D.querySelectorAll('[data-engage-count]')
    var pages = []
    for (var i = 0; i < nodes.length; i++) {
      var p = nodes[i].getAttribute('data-page')
      if (pages.indexOf(p) < 0) pages.push(p)
    }
    for (i = 0; i < pages.length; i += 100) {
      var query = pages.slice(i, i + 100).map(function (x) { return 'page=' + encodeURIComponent(x) }).join('&')
      send('GET', (nodes[0].getAttribute('data-api') || '/api') + '/comments/counts?' + query).then(function (res) {
        for (var j = 0; j < nodes.length; j++) {
          var n = (res.data.counts || {})[nodes[j].getAttribute('data-page')]
          if (n > 0) {
            nodes[j].textContent = n + (n === 1 ? ' comment' : ' comments')
            nodes[j].hidden = false
          }
        }
      }, function () {})
    }
  }

  function init () {
    loadCounts()
    var box = D.querySelector('[data-engage-comments]')
    if (!box) return
    var form = D.querySelector('[data-engage-comment-form]')
    var page = box.getAttribute('data-page')
    var action = form && form.getAttribute('action')
    var base = box.getAttribute('data-api') || (action ? action.replace(/\/comments\/?$/, '') : '/api')
    var status = add(0, 'div', 'engage-comment-status', 0, { role: 'status', 'aria-live': 'polite', tabindex: '-1' })
    var mine = add(0, 'div', 'engage-mine-list')
    var anchor = form || box
    anchor.parentNode.insertBefore(mine, anchor.nextSibling)
    anchor.parentNode.insertBefore(status, mine)
    if (form) enhanceForm(form, base, page, status, mine)
    renderMine(mine, base, page, status)
    send('GET', base + '/comments?page=' + encodeURIComponent(page)).then(function (res) {
      var ids = {}
      var list = res.data.comments
      if (res.status !== 200 || !Array.isArray(list)) throw res
      box.textContent = ''
      if (list.length) box.appendChild(renderList(list, ids))
      else add(box, 'p', 0, 'No comments yet.' + (form ? ' Be the first to comment.' : ''))
      var all = load()
      var kept = all.filter(function (m) { return !(m.page === page && ids[m.id]) }) // now public
      if (kept.length < all.length) {
        store(kept)
        renderMine(mine, base, page, status)
      }
    }).catch(function () {
      if (!box.querySelector('.engage-comments__error')) {
        add(box, 'p', 'engage-comments__error', 'Comments could not be loaded. Please try again later.')
      }
    })
  }

  if (D.readyState === 'loading') D.addEventListener('DOMContentLoaded', init)
  else init()
})()
