import { Entity, PrimaryGeneratedColumn, Column, OneToMany } from 'typeorm';
import { Photo } from './Photo';

@Entity()
export class User {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column()
  email!: string;

  @Column({ nullable: true })
  firstName?: string;

  @Column({ name: 'last_name', nullable: true }) // expect: no-missing-migration
  lastName?: string;

  @OneToMany(() => Photo, (p) => p.user)
  photos!: Photo[];
}
