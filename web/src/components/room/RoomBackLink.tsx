import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';

/** Where a room page leads back to: a consultation's specimen, else the rooms list. */
export function RoomBackLink({ specimenId, className, children }: { specimenId: string | null; className?: string; children: ReactNode }) {
  return specimenId ? (
    <Link to="/specimens/$id" params={{ id: specimenId }} className={className}>
      {children}
    </Link>
  ) : (
    <Link to="/rooms" className={className}>
      {children}
    </Link>
  );
}
