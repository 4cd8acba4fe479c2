// A small RFC 4180 reader: the first line names the columns; fields may be quoted ("a, b", "say ""hi""").
// Each data row becomes an object by column name; a row with fewer fields leaves the rest undefined.
export function parseCsv(text) {
  const records = [];
  let field = '';
  let record = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') record.push(field), (field = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      if (record.length > 1 || record[0] !== '') records.push(record);
      (record = []), (field = '');
    } else field += ch;
  }
  if (field !== '' || record.length) records.push([...record, field]);
  const [header = [], ...rows] = records;
  return rows.map((values) => Object.fromEntries(header.map((name, i) => [name.trim(), values[i]])));
}
