// The page's few lines of script: ask for an image under a new uuid, send a guess, and
// show what the gateway answered. Every answer of the API is {"errno": ..., "errmsg": ...}:
// errno "0" is success, anything else is shown as an error with its errmsg.
"use strict";

const image = document.getElementById("captcha");
const code = document.getElementById("code");
const result = document.getElementById("result");
const session = document.getElementById("uuid");
let uuid = "";

// crypto.randomUUID exists only in secure contexts (https, localhost); build one otherwise.
function newUuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function show(kind, text) {
  result.className = kind;
  result.textContent = text;
}

function renew() {
  uuid = newUuid();
  session.textContent = uuid;
  image.src = `/api/v1.0/imagecode/${uuid}`;
  code.value = "";
  show("", "");
  code.focus();
}

// An image that did not load: ask again to read the errno JSON the gateway sent instead.
image.addEventListener("error", async () => {
  try {
    const answer = await (await fetch(image.src)).json();
    show("error", `No image: ${answer.errmsg} (errno ${answer.errno})`);
  } catch {
    show("error", "No image: the gateway cannot be reached");
  }
});

document.getElementById("renew").addEventListener("click", renew);

document.getElementById("verify").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const response = await fetch(`/api/v1.0/imagecode/${uuid}/verify`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: code.value }),
    });
    const answer = await response.json();
    if (answer.errno === "0") {
      show("ok", "Right: you are a person.");
    } else {
      show("error", `Not accepted: ${answer.errmsg} (errno ${answer.errno})`);
    }
  } catch {
    show("error", "The gateway cannot be reached");
  }
});

renew();
