import type { Block, Inline } from '../markdown.ts';

/** Renders parsed Markdown blocks (see `markdown.ts`) as elements; headings shift down by `shift` levels. */

function Spans({ inline }: { inline: Inline[] }) {
  return (
    <>
      {inline.map((span, i) => {
        const key = `${i}-${span.kind}`;
        if (span.kind === 'strong') return <strong key={key}>{span.text}</strong>;
        if (span.kind === 'code') return <code key={key}>{span.text}</code>;
        return <span key={key}>{span.text}</span>;
      })}
    </>
  );
}

function Heading({ level, id, text }: { level: number; id: string; text: string }) {
  const content = <Spans inline={[{ kind: 'text', text: text.replaceAll('`', '') }]} />;
  if (level <= 2) return <h2 id={id}>{content}</h2>;
  if (level === 3) return <h3 id={id}>{content}</h3>;
  return <h4 id={id}>{content}</h4>;
}

export function Markdown({ blocks, shift = 0 }: { blocks: Block[]; shift?: number }) {
  return (
    <div className="prose">
      {blocks.map((block, index) => {
        const key = `${index}-${block.kind}`;
        switch (block.kind) {
          case 'heading':
            return <Heading key={key} level={block.level + shift} id={block.id} text={block.text} />;
          case 'rule':
            return <hr key={key} />;
          case 'paragraph':
            return (
              <p key={key}>
                <Spans inline={block.inline} />
              </p>
            );
          case 'list':
            return (
              <ul key={key}>
                {block.items.map((item, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a static document's items never move
                  <li key={i}>
                    <Spans inline={item} />
                  </li>
                ))}
              </ul>
            );
          case 'table':
            return (
              <div key={key} className="table-wrap">
                <table className="table">
                  {block.head.length > 0 && (
                    <thead>
                      <tr>
                        {block.head.map((cell, i) => (
                          // biome-ignore lint/suspicious/noArrayIndexKey: columns of a static table
                          <th key={i} scope="col">
                            <Spans inline={cell} />
                          </th>
                        ))}
                      </tr>
                    </thead>
                  )}
                  <tbody>
                    {block.rows.map((row, r) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: rows of a static table
                      <tr key={r}>
                        {row.map((cell, c) => (
                          // biome-ignore lint/suspicious/noArrayIndexKey: cells of a static table
                          <td key={c}>
                            <Spans inline={cell} />
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            );
          default:
            return null;
        }
      })}
    </div>
  );
}
