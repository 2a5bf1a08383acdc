// A minimal MCP server on stdio for tests: `echo` answers, `strict` always answers with the JSON-RPC error -32602
// (invalid params, as for bad arguments from a model), `hang` never answers (for cancellations).
const readline = require('readline');

const tools = ['echo', 'strict', 'hang'].map(name => ({
  name,
  description: 'test tool ' + name,
  inputSchema: {type: 'object', properties: {text: {type: 'string'}}},
}));

function send(message) {
  process.stdout.write(JSON.stringify(Object.assign({jsonrpc: '2.0'}, message)) + '\n');
}

readline.createInterface({input: process.stdin}).on('line', line => {
  const request = JSON.parse(line);
  if (request.id === undefined) {
    return;
  }
  if (request.method === 'initialize') {
    send({id: request.id, result: {protocolVersion: request.params.protocolVersion, capabilities: {tools: {}},
      serverInfo: {name: 'picky', version: '1.0.0'}}});
  } else if (request.method === 'tools/list') {
    send({id: request.id, result: {tools}});
  } else if (request.method === 'tools/call' && request.params.name === 'echo') {
    send({id: request.id, result: {content: [{type: 'text', text: String(request.params.arguments.text)}]}});
  } else if (request.method === 'tools/call' && request.params.name === 'strict') {
    send({id: request.id, error: {code: -32602, message: 'Invalid arguments: text is required'}});
  } else if (request.method !== 'tools/call') {
    send({id: request.id, error: {code: -32601, message: 'Method not found'}});
  }
});
