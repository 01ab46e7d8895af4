/*
 * Engage: small progressive enhancements. No dependencies, nothing loaded from another host
 * until a reader asks for it.
 *
 * Videos: each `.engage-video__frame[data-engage-video]` holds a notice and a hidden "Play video"
 * button. With JavaScript the button is shown; pressing it swaps the notice and button for a
 * youtube-nocookie.com iframe (autoplay) and moves focus to it. Nothing is requested from
 * YouTube before the click.
 *
 * Site search: with JavaScript the header's search form goes to the site's own /search/ page,
 * which searches in the page, rather than to the API's page (the form's action without it).
 *
 * Workspace jobs: a job's log `[data-engage-refresh]` (a check or publish in progress) follows
 * the job every few seconds; when it ends, the page is loaded again to show the outcome.
 *
 * Theme coding: on the queue's form `[data-engage-coding]` the number keys 1-9 tick or untick
 * the themes in order, Enter saves, "n" codes the item as "No theme fits" and "s" follows the
 * Skip link. Keys typed into a text field, or with Ctrl, Alt or Meta held, are left alone; the
 * form works without any of this (Tab, Space, Enter). The form is marked `data-engage-ready`
 * once the keys work.
 *
 * Words: a reader's words are looked up in the page's `#engage-messages` JSON, their translations
 * in the page's language (theme/i18n.py widget_messages); without it they stay English.
 */
(function () {
  'use strict'

  var VIDEO_ID = /^[A-Za-z0-9_-]{6,20}$/
  var WORDS = null

  function gettext (s) {
    if (!WORDS) {
      try {
        WORDS = JSON.parse(document.getElementById('engage-messages').textContent) || {}
      } catch (e) {
        WORDS = {}
      }
    }
    return (typeof WORDS[s] === 'string' && WORDS[s]) || s
  }

  function playVideo (frame) {
    var id = frame.getAttribute('data-engage-video') || ''
    if (!VIDEO_ID.test(id)) return
    var title = frame.getAttribute('data-title') || gettext('YouTube video')
    var iframe = document.createElement('iframe')
    iframe.src = 'https://www.youtube-nocookie.com/embed/' + encodeURIComponent(id) + '?autoplay=1'
    iframe.title = gettext('Video: %(title)s').replace('%(title)s', title)
    iframe.setAttribute('allow', 'autoplay; encrypted-media; picture-in-picture')
    iframe.setAttribute('allowfullscreen', '')
    iframe.setAttribute('loading', 'lazy')
    while (frame.firstChild) frame.removeChild(frame.firstChild)
    frame.appendChild(iframe)
    frame.classList.add('engage-video__frame--playing')
    iframe.focus()
  }

  function initVideos (scope) {
    var frames = scope.querySelectorAll('.engage-video__frame[data-engage-video]')
    Array.prototype.forEach.call(frames, function (frame) {
      var button = frame.querySelector('.engage-video__play')
      if (!button || button.getAttribute('data-engage-ready')) return
      button.setAttribute('data-engage-ready', 'true')
      button.hidden = false
      button.addEventListener('click', function (event) {
        event.preventDefault()
        playVideo(frame)
      })
    })
  }

  function followJob (box) {
    var url = box.getAttribute('data-engage-refresh')
    var text = box.querySelector('pre')
    if (!url || !text || !window.fetch) return
    var timer = window.setInterval(function () {
      window.fetch(url + '?format=json', { credentials: 'same-origin' })
        .then(function (answer) { return answer.ok ? answer.json() : null })
        .then(function (job) {
          if (!job) return
          text.textContent = job.log || text.textContent
          if (job.status !== 'queued' && job.status !== 'running') {
            window.clearInterval(timer)
            window.location.reload()
          }
        })
        .catch(function () {})
    }, 2000)
  }

  function searchInPage () {
    var form = document.querySelector('form.nhsuk-header__search-form')
    var home = document.querySelector('a.nhsuk-header__service-logo')
    if (form && home && window.fetch) form.action = new URL('search/', home.href).href
  }

  // The link's channel marker (?via=mastodon), copied into the form's hidden field so the API
  // records how the reader came; nothing is stored in the browser and nothing else is sent.
  function fillChannel (input) {
    if (input.value || !window.URLSearchParams) return
    var query = new URLSearchParams(window.location.search)
    var names = [input.getAttribute('data-engage-via'), 'via', 'utm_source']
    for (var i = 0; i < names.length; i++) {
      var value = names[i] && query.get(names[i])
      if (value) { input.value = value.slice(0, 80); return }
    }
  }

  function submitWith (form, button) {
    if (!button) return
    if (form.requestSubmit) form.requestSubmit(button)
    else button.click()
  }

  function initCoding (form) {
    var boxes = form.querySelectorAll('input[type=checkbox][name=theme]')
    form.setAttribute('data-engage-ready', 'true')
    document.addEventListener('keydown', function (event) {
      var target = event.target
      if (event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented) return
      if (target && (target.isContentEditable || /^(TEXTAREA|SELECT)$/.test(target.tagName) ||
          (target.tagName === 'INPUT' && !/^(checkbox|radio|submit|button)$/.test(target.type)))) return
      var key = event.key
      if (/^[1-9]$/.test(key)) {
        var box = boxes[Number(key) - 1]
        if (!box) return
        event.preventDefault()
        box.checked = !box.checked
        box.focus()
      } else if (key === 'Enter') {
        // A button or link keeps its own Enter; anywhere else Enter saves.
        if (target && /^(BUTTON|A|SUMMARY)$/.test(target.tagName)) return
        event.preventDefault()
        submitWith(form, form.querySelector('[data-engage-coding-save]'))
      } else if (key === 'n' || key === 'N') {
        event.preventDefault()
        submitWith(form, form.querySelector('[data-engage-coding-none]'))
      } else if (key === 's' || key === 'S') {
        var skip = form.querySelector('a[data-engage-coding-skip]')
        if (!skip) return
        event.preventDefault()
        window.location.href = skip.href
      }
    })
  }

  function init () {
    initVideos(document)
    Array.prototype.forEach.call(document.querySelectorAll('input[data-engage-via]'), fillChannel)
    searchInPage()
    Array.prototype.forEach.call(document.querySelectorAll('[data-engage-refresh]'), followJob)
    var coding = document.querySelector('form[data-engage-coding]')
    if (coding) initCoding(coding)
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init)
  } else {
    init()
  }
})()
