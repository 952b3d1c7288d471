import type { AnchorHTMLAttributes, MouseEvent } from 'react';
import { href, navigate, type Params } from '../router.ts';

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string; params?: Params };

/** An ordinary link (open in new tab works) that navigates in place on a plain click. */
export function Link({ to, params, onClick, ...rest }: LinkProps) {
  const target = href(to, params);
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey ||
      rest.target
    ) {
      return;
    }
    event.preventDefault();
    navigate(target);
  };
  return <a href={target} onClick={handleClick} {...rest} />;
}
