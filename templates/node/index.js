// Upstream server of the node template: the watchdog (mode=http) starts it once and proxies each
// request to it. Same handler contract as OpenFaaS's node20 template (express + body-parser there),
// built on Node's own http module so the image needs nothing from a package registry:
//   module.exports = async (event, context) => context.status(200).succeed(value)
"use strict"

const http = require("http")
const handler = require("./function/handler")

// body-parser's default limit is 100kb; the same variables raise it.
const rawLimit = parseSize(process.env.MAX_RAW_SIZE, 100 * 1024)
const jsonLimit = parseSize(process.env.MAX_JSON_SIZE, 100 * 1024)
const rawBody = process.env.RAW_BODY === "true"

function parseSize(text, fallback) {
  if (!text) return fallback
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(String(text).trim())
  if (!m) return fallback
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] || "b").toLowerCase()]
  return Math.floor(parseFloat(m[1]) * unit)
}

class HttpError extends Error {
  constructor(status, message) {
    super(message)
    this.status = status
  }
}

function mediaType(headers) {
  // As the node20 template: no Content-Type is treated as text/plain.
  return (headers["content-type"] || "text/plain").split(";")[0].trim().toLowerCase()
}

function bodyLimit(type) {
  return rawBody || type !== "application/json" ? rawLimit : jsonLimit
}

// Reads the body up to the limit for its type (413 beyond, as body-parser).
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on("data", (chunk) => {
      size += chunk.length
      if (size > limit) {
        req.pause()
        reject(new HttpError(413, "request entity too large"))
        return
      }
      chunks.push(chunk)
    })
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })
}

// body-parser's rules: RAW_BODY=true gives a Buffer; text/* a string; JSON an object (400 when
// invalid); urlencoded an object. Other types get the Buffer (body-parser would leave {}).
function parseBody(buf, type) {
  if (rawBody) return buf
  if (type.startsWith("text/")) return buf.toString("utf8")
  if (type === "application/json" || type.endsWith("+json")) {
    if (buf.length === 0) return {}
    try {
      return JSON.parse(buf.toString("utf8"))
    } catch (e) {
      throw new HttpError(400, "invalid JSON body: " + e.message)
    }
  }
  if (type === "application/x-www-form-urlencoded") {
    return toObject(new URLSearchParams(buf.toString("utf8")))
  }
  return buf
}

// A repeated key becomes an array, as express's query parser.
function toObject(params) {
  const out = {}
  for (const [k, v] of params) {
    if (!(k in out)) out[k] = v
    else if (Array.isArray(out[k])) out[k].push(v)
    else out[k] = [out[k], v]
  }
  return out
}

class FunctionEvent {
  constructor(req, url, body) {
    this.body = body
    this.headers = req.headers
    this.method = req.method
    this.query = toObject(url.searchParams)
    this.path = url.pathname
  }
}

class FunctionContext {
  constructor(cb) {
    this.statusCode = 200
    this.cb = cb
    this.headerValues = {}
    this.cbCalled = 0
  }

  status(statusCode) {
    if (!statusCode) return this.statusCode
    this.statusCode = statusCode
    return this
  }

  headers(value) {
    if (!value) return this.headerValues
    this.headerValues = value
    return this
  }

  succeed(value) {
    this.cbCalled++
    this.cb(undefined, value)
  }

  fail(value) {
    if (this.status() == "200") this.status(500)
    this.cbCalled++
    this.cb(value)
  }
}

function send(res, status, headers, body) {
  if (res.headersSent) return
  const out = {}
  for (const [k, v] of Object.entries(headers || {})) out[k.toLowerCase()] = v
  let payload
  if (body === undefined || body === null) {
    payload = Buffer.alloc(0)
  } else if (Buffer.isBuffer(body)) {
    payload = body
    out["content-type"] = out["content-type"] || "application/octet-stream"
  } else if (Array.isArray(body) || (typeof body === "object" && body.constructor === Object)) {
    payload = Buffer.from(JSON.stringify(body))
    out["content-type"] = out["content-type"] || "application/json; charset=utf-8"
  } else {
    payload = Buffer.from(String(body))
    out["content-type"] = out["content-type"] || "text/html; charset=utf-8"
  }
  out["content-length"] = payload.length
  res.writeHead(Number(status) || 200, out)
  res.end(isHead(res) ? undefined : payload)
}

function isHead(res) {
  return res.req && res.req.method === "HEAD"
}

async function serve(req, res) {
  const url = new URL(req.url, "http://localhost")
  let body
  try {
    const type = mediaType(req.headers)
    body = parseBody(await readBody(req, bodyLimit(type)), type)
  } catch (e) {
    const status = e.status || 400
    if (status === 413) res.shouldKeepAlive = false
    send(res, status, { "content-type": "text/plain" }, e.message)
    return
  }
  const cb = (err, result) => {
    if (err) {
      console.error(err)
      send(res, fnContext.status(), {}, err.toString ? err.toString() : err)
      return
    }
    send(res, fnContext.status(), fnContext.headers(), result)
  }
  const fnContext = new FunctionContext(cb)
  try {
    const result = await handler(new FunctionEvent(req, url, body), fnContext, cb)
    if (!fnContext.cbCalled) fnContext.succeed(result)
  } catch (e) {
    // A thrown error is a failure like context.fail(): 500 unless the handler set a status
    // (OpenFaaS's template answers it with the default 200).
    if (!fnContext.cbCalled) fnContext.fail(e)
  }
}

const port = Number(process.env.http_port || 3000)
const server = http.createServer((req, res) => {
  serve(req, res).catch((e) => {
    console.error(e)
    send(res, 500, {}, "Internal Server Error")
  })
})
server.keepAliveTimeout = 65 * 1000  // longer than the watchdog keeps an idle pooled connection
server.listen(port, "127.0.0.1", () => {
  console.log(`node listening on 127.0.0.1:${port}`)
})
process.on("SIGTERM", () => server.close(() => process.exit(0)))
