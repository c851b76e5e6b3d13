// The API reference, rendered from /openapi.json with no external assets (works offline).
"use strict";

const $ = (id) => document.getElementById(id);

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function resolve(spec, schema) {
  let seen = 0;
  while (schema && schema.$ref && seen++ < 20) {
    schema = schema.$ref.replace(/^#\//, "").split("/").reduce((node, key) => (node || {})[key], spec);
  }
  return schema || {};
}

function typeOf(spec, schema) {
  schema = resolve(spec, schema);
  if (schema.anyOf) return schema.anyOf.map((s) => typeOf(spec, s)).join(" or ");
  if (schema.type === "array") return `array of ${typeOf(spec, schema.items)}`;
  return schema.title && !schema.type ? schema.title : schema.type || "object";
}

function fields(spec, schema) {
  schema = resolve(spec, schema);
  const rows = Object.entries(schema.properties || {});
  if (!rows.length) return element("p", typeOf(spec, schema), "hint");
  const table = element("table");
  const head = table.createTHead().insertRow();
  ["field", "type", "description"].forEach((name) => head.append(element("th", name)));
  const required = new Set(schema.required || []);
  rows.forEach(([name, property]) => {
    const row = table.insertRow();
    row.insertCell().append(element("code", name + (required.has(name) ? " (required)" : "")));
    row.insertCell().textContent = typeOf(spec, property);
    row.insertCell().textContent = resolve(spec, property).description || "";
  });
  return table;
}

function operation(spec, path, method, op) {
  const section = element("section", undefined, "operation");
  section.append(element("h2", `${method.toUpperCase()} ${path}`));
  if (op.summary) section.append(element("p", op.summary));
  if (op.description && op.description !== op.summary) section.append(element("p", op.description));
  if (op.parameters && op.parameters.length) {
    section.append(element("h3", "Parameters"));
    const schema = { properties: {} };
    op.parameters.forEach((p) => { schema.properties[p.name] = { ...(p.schema || {}), description: p.description }; });
    section.append(fields(spec, schema));
  }
  const body = op.requestBody && op.requestBody.content;
  if (body) {
    Object.entries(body).forEach(([kind, content]) => {
      section.append(element("h3", `Request body (${kind})`));
      section.append(fields(spec, content.schema));
    });
  }
  const responses = Object.entries(op.responses || {});
  if (responses.length) {
    section.append(element("h3", "Responses"));
    const list = element("ul");
    responses.forEach(([status, response]) => list.append(element("li", `${status}: ${response.description || ""}`)));
    section.append(list);
  }
  return section;
}

async function main() {
  try {
    const spec = await (await fetch("/openapi.json")).json();
    $("api-summary").textContent = `${spec.info.title} ${spec.info.version}. ${spec.info.description || ""}`;
    const container = $("operations");
    Object.entries(spec.paths).forEach(([path, methods]) => {
      Object.entries(methods).forEach(([method, op]) => container.append(operation(spec, path, method, op)));
    });
  } catch (error) {
    $("api-summary").textContent = `Could not read /openapi.json: ${error}`;
  }
}

main();
